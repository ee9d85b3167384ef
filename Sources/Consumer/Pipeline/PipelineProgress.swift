/// Where the pipeline reports its progress: the live consumer's health (`/readyz`, lag), a replay's
/// progress bar. Called from the pipeline's loop and writer; implementations only record.
package protocol PipelineProgress: Sendable {
    /// Records were read up to `next` (exclusive) per partition; called before they are handled, so a
    /// record that cannot be handled shows as a partition making no progress.
    func read(_ next: [Int32: Int64])
    /// The partitions the pipeline now owns.
    func owned(_ partitions: [Int32])
    /// Partitions given up (revoked): their progress no longer counts.
    func forget(_ partitions: Set<Int32>)
    /// Offsets a checkpoint committed.
    func committed(_ offsets: [Int32: Int64])
    /// False while the sinks fail and are retried; true once they recovered.
    func sinksHealthy(_ healthy: Bool)
}
