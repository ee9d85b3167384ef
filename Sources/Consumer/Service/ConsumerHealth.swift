import StatusRelayCore
import Synchronization

/// Liveness and readiness of the consumer, shared between the pipeline and the admin server.
package final class ConsumerHealth: Sendable {
    package struct Snapshot: Sendable, Hashable {
        /// The pipeline started its sinks and the state store.
        package var started = false
        /// The last sink/state write succeeded (false while retrying through an outage).
        package var sinksHealthy = true
        /// Source partitions currently owned.
        package var assignedPartitions: [Int32] = []
        /// The pipeline loop ended (shutdown or failure).
        package var stopped = false
        package var lastError: String?
        /// Owned partitions with records read but no committed progress for the stall timeout.
        package var stalledPartitions: [Int32] = []

        package var isReady: Bool { started && sinksHealthy && !stopped && stalledPartitions.isEmpty }
        package var isLive: Bool { !stopped }
    }

    private let state = Mutex(Snapshot())
    private let progress = Mutex(ProgressWatch())
    private let stallTimeoutMilliseconds = Atomic<Int64>(60_000)
    private let clock = ContinuousClock()
    private let epoch: ContinuousClock.Instant

    package init() {
        epoch = clock.now
    }

    package var snapshot: Snapshot {
        var snapshot = state.withLock { $0 }
        let now = nowMilliseconds
        let timeout = stallTimeoutMilliseconds.load(ordering: .relaxed)
        snapshot.stalledPartitions = progress.withLock { $0.stalled(now: now, timeout: timeout) }
        return snapshot
    }

    func update(_ body: (inout Snapshot) -> Void) {
        state.withLock { body(&$0) }
    }

    /// How long a partition may stay behind without committed progress before `/readyz` fails.
    func setStallTimeout(_ timeout: Duration) {
        stallTimeoutMilliseconds.store(timeout.milliseconds, ordering: .relaxed)
    }

    func recordRead(_ next: [Int32: Int64]) {
        let now = nowMilliseconds
        progress.withLock { watch in
            for (partition, offset) in next { watch.read(partition, next: offset, now: now) }
        }
    }

    func recordCommitted(_ offsets: [Int32: Int64]) {
        let now = nowMilliseconds
        progress.withLock { watch in
            for (partition, offset) in offsets { watch.committed(partition, offset: offset, now: now) }
        }
    }

    func forgetProgress(_ partitions: some Sequence<Int32>) {
        progress.withLock { watch in
            for partition in partitions { watch.forget(partition) }
        }
    }

    private var nowMilliseconds: Int64 {
        (clock.now - epoch).milliseconds
    }
}
