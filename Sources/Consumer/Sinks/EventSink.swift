/// A downstream destination for released events.
///
/// A batch counts as accepted once `write` returned and a later `flush` returned: the consumer
/// calls `flush` on every sink before it records message state and commits offsets. A sink whose
/// `write` is already durable keeps the default `flush`, which does nothing; a sink that overlaps
/// its I/O with the next batch finishes it in `flush`. Writes must be idempotent by event id: after
/// a crash the same events can be written again, and a state sink must never move a message's
/// current status to a lower rank.
package protocol EventSink: Sendable {
    /// A short name for logs and metrics labels, e.g. `sqlite`, `postgres`, `http`.
    var name: String { get }
    /// Whether `write` reads `ReleasedEvent.event`, not only its summary and JSON. When no sink
    /// does, the consumer decodes only each record's summary. Default true.
    var readsEvents: Bool { get }
    /// Whether the sink records confirmations (`ReleasedEvent.isConfirmation`: Twilio confirmed a
    /// status the message already has). Others never receive them (``InstrumentedSink`` filters
    /// them out). Default false.
    var recordsConfirmations: Bool { get }
    /// Prepares the sink (connects, runs migrations). Called once before the first write.
    func start() async throws
    /// Writes a batch, in order. Events of one message appear in release order.
    func write(_ batch: [ReleasedEvent]) async throws
    /// Returns once every batch `write` accepted so far is durable. Throws (and is called again)
    /// while it cannot be; nothing accepted may be dropped in between.
    func flush() async throws
    /// Flushes and releases resources.
    func shutdown() async throws
}

extension EventSink {
    package var readsEvents: Bool { true }
    package var recordsConfirmations: Bool { false }

    /// For sinks whose `write` returns only once the batch is durable.
    package func flush() async throws {}
}
