/// A downstream destination for released events.
///
/// `write` returns only once the sink has durably accepted the whole batch; the consumer commits
/// offsets after every sink returned. Writes must be idempotent by event id: after a crash the
/// same events can be written again, and a state sink must never move a message's current
/// status to a lower rank.
public protocol EventSink: Sendable {
    /// A short name for logs and metrics labels, e.g. `sqlite`, `postgres`, `http`.
    var name: String { get }
    /// Prepares the sink (connects, runs migrations). Called once before the first write.
    func start() async throws
    /// Writes a batch, in order. Events of one message appear in release order.
    func write(_ batch: [ReleasedEvent]) async throws
    /// Flushes and releases resources.
    func shutdown() async throws
}
