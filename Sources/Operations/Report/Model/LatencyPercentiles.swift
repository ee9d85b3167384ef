/// Nearest-rank percentiles of a latency, in milliseconds.
public struct LatencyPercentiles: Sendable, Hashable {
    /// How many messages had both times.
    public var count: Int
    public var p50: Int64
    public var p90: Int64
    public var p99: Int64

    public init(count: Int, p50: Int64, p90: Int64, p99: Int64) {
        self.count = count
        self.p50 = p50
        self.p90 = p90
        self.p99 = p99
    }

    /// The 1-based nearest-rank position of percentile `percent` among `count` sorted values.
    public static func rank(percent: Int, count: Int) -> Int {
        max(1, (count * percent + 99) / 100)
    }
}
