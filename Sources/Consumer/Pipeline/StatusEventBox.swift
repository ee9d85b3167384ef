import StatusEvents
import Synchronization

/// An immutable, shared event on its way through the consumer: copying the box is one retain.
///
/// A box read from Kafka keeps the record's JSON, which the sinks write as is. Its full
/// `StatusEvent` is then decoded only if a sink asks for it (`event`): a consumer whose sinks only
/// pass the JSON on reads each record's summary and nothing more.
final class StatusEventBox: Sendable {
    let summary: StatusEventSummary
    /// The event's JSON as read from Kafka, reused by the sinks instead of encoding the event again.
    /// Nil when the event did not come from a record (or the record's JSON spans lines).
    let encoded: [UInt8]?
    /// The full event: set at init, or on first use when only the summary was decoded. Behind a
    /// reference, so a box holding only the summary (most of those buffered for reordering) does
    /// not carry a `StatusEvent`'s size inline.
    private let decoded: Mutex<Decoded?>

    private final class Decoded: Sendable {
        let event: StatusEvent
        init(_ event: StatusEvent) { self.event = event }
    }

    init(_ event: StatusEvent, encoded: [UInt8]? = nil) {
        self.summary = StatusEventSummary(event)
        self.encoded = encoded
        self.decoded = Mutex(Decoded(event))
    }

    /// A box for a record whose summary was decoded: `StatusEventCodec.decodeSummary(encoded)`.
    init(summary: StatusEventSummary, encoded: [UInt8]) {
        self.summary = summary
        self.encoded = encoded
        self.decoded = Mutex(nil)
    }

    /// Whether the whole event is in memory (decoded, or given at init).
    var isDecoded: Bool { decoded.withLock { $0 != nil } }

    var event: StatusEvent {
        decoded.withLock { decoded in
            if let decoded { return decoded.event }
            do {
                let event = try StatusEventCodec.decode(encoded ?? [])
                decoded = Decoded(event)
                return event
            } catch {
                // decodeSummary accepted these bytes, and it applies every check decode does.
                preconditionFailure("an event whose summary decoded failed to decode: \(error)")
            }
        }
    }
}
