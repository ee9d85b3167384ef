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
    /// The full event: set at init, or on first use when only the summary was decoded.
    private let decoded: Mutex<StatusEvent?>

    init(_ event: StatusEvent, encoded: [UInt8]? = nil) {
        self.summary = StatusEventSummary(event)
        self.encoded = encoded
        self.decoded = Mutex(event)
    }

    /// A box for a record whose summary was decoded: `StatusEventCodec.decodeSummary(encoded)`.
    init(summary: StatusEventSummary, encoded: [UInt8]) {
        self.summary = summary
        self.encoded = encoded
        self.decoded = Mutex(nil)
    }

    var event: StatusEvent {
        decoded.withLock { decoded in
            if let decoded { return decoded }
            do {
                let event = try StatusEventCodec.decode(encoded ?? [])
                decoded = event
                return event
            } catch {
                // decodeSummary accepted these bytes, and it applies every check decode does.
                preconditionFailure("an event whose summary decoded failed to decode: \(error)")
            }
        }
    }
}
