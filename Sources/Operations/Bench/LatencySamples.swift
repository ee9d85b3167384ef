/// Every latency sample of a run, in microseconds. Runs are bounded (rate x duration), so keeping all
/// samples is cheap (4 bytes each) and gives exact percentiles instead of histogram buckets.
package struct LatencySamples: Sendable {
    private var micros: [UInt32] = []
    private var sorted = true

    package init(reservingCapacity capacity: Int = 0) {
        micros.reserveCapacity(capacity)
    }

    package var count: Int { micros.count }

    package mutating func record(nanoseconds: Int64) {
        let value = UInt32(clamping: max(0, nanoseconds) / 1000)
        if let last = micros.last, value < last { sorted = false }
        micros.append(value)
    }

    /// The `p`th percentile (0...100) in microseconds, nearest-rank; 0 when empty.
    package mutating func percentile(_ p: Double) -> UInt32 {
        guard !micros.isEmpty else { return 0 }
        if !sorted {
            micros.sort()
            sorted = true
        }
        let rank = Int((p / 100 * Double(micros.count)).rounded(.up))
        return micros[min(max(rank, 1), micros.count) - 1]
    }
}
