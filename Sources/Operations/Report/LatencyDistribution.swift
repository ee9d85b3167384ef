/// Latencies of the report's messages collected per group number, summarized as nearest-rank
/// percentiles and histograms for the whole window, each period and each group. Sorting a few
/// hundred thousand integers here is far cheaper than one window-function query per level.
struct LatencyDistribution: Sendable {
    private(set) var byGroup: [Int64: [Int64]] = [:]

    mutating func add(_ latency: Int64, group: Int64) {
        byGroup[group, default: []].append(latency)
    }

    /// Percentiles of all latencies, of the groups of each key (`key(gid)`, e.g. the period), and
    /// of each group.
    func percentiles<Key: Hashable>(by key: (Int64) -> Key?) -> (all: LatencyPercentiles?, byKey: [Key: LatencyPercentiles], byGroup: [Int64: LatencyPercentiles]) {
        var all: [Int64] = []
        var keyed: [Key: [Int64]] = [:]
        var groups: [Int64: LatencyPercentiles] = [:]
        for (gid, values) in byGroup {
            all += values
            if let key = key(gid) { keyed[key, default: []] += values }
            groups[gid] = Self.percentiles(values.sorted())
        }
        return (Self.percentiles(all.sorted()), keyed.mapValues { Self.percentiles($0.sorted()) }.compactMapValues { $0 }, groups.compactMapValues { $0 })
    }

    /// The histogram over every latency.
    func histogram() -> [HistogramBin] {
        let edges = HistogramBin.edges
        var bins = (0...edges.count).map { index in
            HistogramBin(lower: index == 0 ? 0 : edges[index - 1], upper: index < edges.count ? edges[index] : nil, count: 0)
        }
        for values in byGroup.values {
            for value in values {
                // First edge above the value; the open last bin otherwise.
                var index = 0
                while index < edges.count, value >= edges[index] { index += 1 }
                bins[index].count += 1
            }
        }
        return bins
    }

    /// Nearest-rank p50/p90/p99 of `sorted`; nil when empty.
    static func percentiles(_ sorted: [Int64]) -> LatencyPercentiles? {
        guard !sorted.isEmpty else { return nil }
        func pick(_ percent: Int) -> Int64 { sorted[LatencyPercentiles.rank(percent: percent, count: sorted.count) - 1] }
        return LatencyPercentiles(count: sorted.count, p50: pick(50), p90: pick(90), p99: pick(99))
    }
}
