package import StatusEvents

/// An event the reorderer released, in lifecycle order for its message, on its way to the sinks.
package struct ReleasedEvent: Sendable, Hashable {
    /// The event lives in one shared box: released events are copied into batches, jobs and sink
    /// tasks, and a `StatusEvent` has a dozen reference-counted fields, so copying it would cost a
    /// dozen retains each time. Reading it may decode the record (see `StatusEventBox`): a sink that
    /// needs only the id, sid, status or time reads `summary`.
    package var event: StatusEvent {
        get { box.event }
        set { box = StatusEventBox(newValue) }
    }
    /// The event's id, sid, status, rank and time.
    package var summary: StatusEventSummary { box.summary }
    /// 1-based release order within the message, stable across restarts (kept in durable state).
    package var sequence: Int
    /// True when the event did not become its message's current status: `CurrentStatusRule` ranks an
    /// event of its message released before it higher. On the ordered stream a message's current
    /// status is therefore that of its last record with `late: false`.
    package var late: Bool
    /// True when the event's `receivedAt` lay implausibly far ahead of the consumer's clock
    /// (`ReorderConfiguration.maxEventTimeAhead`): it was ordered as if it had arrived with its
    /// partition's newest plausible event time, and its own time moved no watermark.
    package var eventTimeImplausible: Bool = false
    /// True for a `reconciliation` event that repeats a status the message already has (a
    /// cross-source duplicate): Twilio confirmed it. Not part of the ordered stream: only sinks that
    /// record confirmations (`EventSink.recordsConfirmations`, the SQL sinks) receive it, and it adds
    /// no history row. `sequence` is the message's last one.
    package var isConfirmation: Bool = false
    /// Where the event was read from, for offset tracking and the history table.
    package var topic: String
    package var partition: Int32
    package var offset: Int64

    private var box: StatusEventBox

    /// Decodes the whole event now if only its summary was (see `StatusEventBox`).
    func materialize() { _ = box.event }

    /// Whether the whole event is in memory (see `materialize()`).
    var isMaterialized: Bool { box.isDecoded }

    /// The event's JSON object (schema v1): the record's own bytes when it was read from Kafka.
    var eventJSON: [UInt8] { box.encoded ?? StatusEventCodec.encode(box.event) }

    package init(event: StatusEvent, sequence: Int, late: Bool, topic: String, partition: Int32, offset: Int64) {
        self.init(box: StatusEventBox(event), sequence: sequence, late: late, topic: topic, partition: partition, offset: offset)
    }

    init(box: StatusEventBox, sequence: Int, late: Bool, topic: String, partition: Int32, offset: Int64) {
        self.box = box
        self.sequence = sequence
        self.late = late
        self.topic = topic
        self.partition = partition
        self.offset = offset
    }

    package static func == (lhs: ReleasedEvent, rhs: ReleasedEvent) -> Bool {
        lhs.sequence == rhs.sequence && lhs.late == rhs.late && lhs.eventTimeImplausible == rhs.eventTimeImplausible
            && lhs.isConfirmation == rhs.isConfirmation
            && lhs.partition == rhs.partition
            && lhs.offset == rhs.offset && lhs.topic == rhs.topic && (lhs.box === rhs.box || lhs.event == rhs.event)
    }

    package func hash(into hasher: inout Hasher) {
        hasher.combine(summary)
        hasher.combine(sequence)
        hasher.combine(late)
        hasher.combine(eventTimeImplausible)
        hasher.combine(isConfirmation)
        hasher.combine(topic)
        hasher.combine(partition)
        hasher.combine(offset)
    }
}
