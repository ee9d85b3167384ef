/// Nearest-rank percentiles of a latency, in milliseconds.
package struct LatencyPercentiles: Sendable, Hashable {
    /// How many messages had both times.
    package var count: Int
    package var p50: Int64
    package var p90: Int64
    package var p99: Int64

    package init(count: Int, p50: Int64, p90: Int64, p99: Int64) {
        self.count = count
        self.p50 = p50
        self.p90 = p90
        self.p99 = p99
    }

    /// The 1-based nearest-rank position of percentile `percent` among `count` sorted values.
    package static func rank(percent: Int, count: Int) -> Int {
        max(1, (count * percent + 99) / 100)
    }
}
