/// What a pipeline run did, for a driver that reports it (a replay's result).
package struct PipelineSummary: Sendable, Hashable {
    /// Events released by the reorderer and handed to the sinks (not counting confirmations).
    package var released: Int64 = 0
    /// Records that were not an event of their key (undecodable, or key not the messageSid): dead-lettered.
    package var deadLettered: Int64 = 0
    /// The reorderer's counts (duplicates, late, ...).
    package var statistics = ReorderStatistics()
}
