import Synchronization

/// The live consumer's progress: `/readyz` (``ConsumerHealth``) and the read positions lag is measured from.
final class HealthProgress: PipelineProgress {
    let health: ConsumerHealth
    /// Next offset to read per owned partition, for lag.
    let positions = Mutex<[Int32: Int64]>([:])

    init(health: ConsumerHealth) {
        self.health = health
    }

    func read(_ next: [Int32: Int64]) {
        guard !next.isEmpty else { return }
        health.recordRead(next)
        positions.withLock { positions in
            for (partition, offset) in next { positions[partition] = offset }
        }
    }

    func owned(_ partitions: [Int32]) {
        health.update { $0.assignedPartitions = partitions }
    }

    func forget(_ partitions: Set<Int32>) {
        positions.withLock { positions in for partition in partitions { positions[partition] = nil } }
        health.forgetProgress(partitions)
    }

    func committed(_ offsets: [Int32: Int64]) {
        health.recordCommitted(offsets)
    }

    func sinksHealthy(_ healthy: Bool) {
        health.update { $0.sinksHealthy = healthy }
    }
}
