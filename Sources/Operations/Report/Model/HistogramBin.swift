/// One bar of a latency histogram: messages whose latency is in `[lower, upper)` milliseconds.
package struct HistogramBin: Sendable, Hashable {
    package var lower: Int64
    /// nil for the open last bin.
    package var upper: Int64?
    package var count: Int

    package init(lower: Int64, upper: Int64?, count: Int) {
        self.lower = lower
        self.upper = upper
        self.count = count
    }

    /// The bin edges the report uses: 1 s, 2 s, 5 s, … up to 1 h.
    package static let edges: [Int64] = [
        1_000, 2_000, 5_000, 10_000, 30_000, 60_000, 120_000, 300_000, 600_000, 1_800_000, 3_600_000,
    ]
}
