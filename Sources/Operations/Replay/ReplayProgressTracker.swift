import Consumer
import Synchronization

/// A replay's progress: records handled per partition, drawn as a progress bar (``ReplayProgressReporter``).
final class ReplayProgressTracker: PipelineProgress {
    private struct State {
        var positions: [Int32: Int64]
        var reporter: ReplayProgressReporter
    }

    private let starts: [Int32: Int64]
    private let state: Mutex<State>

    init(ranges: [ReplayRange], enabled: Bool) {
        let starts = Dictionary(uniqueKeysWithValues: ranges.map { ($0.partition, $0.start) })
        self.starts = starts
        let reporter = ReplayProgressReporter(total: ranges.reduce(0) { $0 + $1.count }, enabled: enabled)
        state = Mutex(State(positions: starts, reporter: reporter))
        state.withLock { $0.reporter.update(done: 0, force: true) }
    }

    func read(_ next: [Int32: Int64]) {
        state.withLock { state in
            for (partition, offset) in next { state.positions[partition] = offset }
            state.reporter.update(done: done(state.positions))
        }
    }

    /// Draws the last line.
    func finish() {
        state.withLock { state in state.reporter.finish(done: done(state.positions)) }
    }

    func owned(_ partitions: [Int32]) {}
    func forget(_ partitions: Set<Int32>) {}
    func committed(_ offsets: [Int32: Int64]) {}
    func sinksHealthy(_ healthy: Bool) {}

    private func done(_ positions: [Int32: Int64]) -> Int64 {
        positions.reduce(0) { $0 + ($1.value - (starts[$1.key] ?? $1.value)) }
    }
}
