import Consumer
import Synchronization

/// The sink of a dry run: collects what would be written (``ReplayDryRun``) and writes nothing.
final class DryRunSink: EventSink {
    let name = "dry-run"
    private let collected = Mutex(ReplayDryRun())

    var dryRun: ReplayDryRun { collected.withLock { $0 } }

    func start() async throws {}

    func write(_ batch: [ReleasedEvent]) async throws {
        collected.withLock { $0.add(batch) }
    }

    func shutdown() async throws {}
}
