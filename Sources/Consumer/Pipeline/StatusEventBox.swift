import StatusEvents

/// An immutable, shared `StatusEvent`: copying the box is one retain.
final class StatusEventBox: Sendable {
    let event: StatusEvent
    /// The event's JSON as read from Kafka, reused by the sinks instead of encoding the event again.
    /// Nil when the event did not come from a record (or the record's JSON spans lines).
    let encoded: [UInt8]?

    init(_ event: StatusEvent, encoded: [UInt8]? = nil) {
        self.event = event
        self.encoded = encoded
    }
}
