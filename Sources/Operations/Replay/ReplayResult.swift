/// What a replay did.
public struct ReplayResult: Sendable, Hashable {
    /// The ranges read.
    public var ranges: [ReplayRange] = []
    /// Records read from the topic.
    public var read: Int64 = 0
    /// Records that were not an event of their key (undecodable, or key not the messageSid): dead-lettered, as live.
    public var undecodable: Int64 = 0
    /// Events released by the reorderer (and written, unless a dry run).
    public var released: Int64 = 0
    /// Duplicates the reorderer dropped (same event id, or the same status from another source).
    public var duplicates: Int64 = 0
    /// Events released as late.
    public var late: Int64 = 0
    /// Partitions that stopped before their end offset because no record came (gaps).
    public var stoppedEarly: [Int32] = []
    /// Set for a dry run.
    public var dryRun: ReplayDryRunSummary?

    public init() {}

    public var total: Int64 { ranges.reduce(0) { $0 + $1.count } }
}
