public import StatusEvents

/// An event the reorderer released, in lifecycle order for its message, on its way to the sinks.
public struct ReleasedEvent: Sendable, Hashable {
    public var event: StatusEvent
    /// 1-based release order within the message, stable across restarts (kept in durable state).
    public var sequence: Int
    /// True when the event arrived after a higher-ranked event of its message was already released.
    /// State sinks must not move current status backwards because of a late event.
    public var late: Bool
    /// Where the event was read from, for offset tracking and the history table.
    public var topic: String
    public var partition: Int32
    public var offset: Int64

    public init(event: StatusEvent, sequence: Int, late: Bool, topic: String, partition: Int32, offset: Int64) {
        self.event = event
        self.sequence = sequence
        self.late = late
        self.topic = topic
        self.partition = partition
        self.offset = offset
    }
}
