/// What a replay did.
package struct ReplayResult: Sendable, Hashable {
    /// The ranges read.
    package var ranges: [ReplayRange] = []
    /// Records read from the topic.
    package var read: Int64 = 0
    /// Records that were not an event of their key (undecodable, or key not the messageSid): dead-lettered, as live.
    package var undecodable: Int64 = 0
    /// Events released by the reorderer (and written, unless a dry run).
    package var released: Int64 = 0
    /// Duplicates the reorderer dropped (same event id, or the same status from another source).
    package var duplicates: Int64 = 0
    /// Events released as late.
    package var late: Int64 = 0
    /// Partitions that stopped before their end offset because no record came (gaps).
    package var stoppedEarly: [Int32] = []
    /// Set for a dry run.
    package var dryRun: ReplayDryRunSummary?

    package init() {}

    package var total: Int64 { ranges.reduce(0) { $0 + $1.count } }
}
