/// The records of one partition a replay reads: offsets `start ..< end`.
package struct ReplayRange: Sendable, Hashable, CustomStringConvertible {
    package var partition: Int32
    package var start: Int64
    /// Exclusive; captured when the replay starts, so the replay terminates.
    package var end: Int64

    package init(partition: Int32, start: Int64, end: Int64) {
        self.partition = partition
        self.start = start
        self.end = end
    }

    package var count: Int64 { max(0, end - start) }

    package var description: String { "\(partition):\(start)..<\(end)" }

    /// The ranges for `from`/`to`, given each partition's watermarks and the offsets-for-times
    /// answers (`-1` = no record at or after the time: the end). Pure, so it is unit-tested.
    package static func plan(
        from: ReplayPosition, to: ReplayPosition?, watermarks: [Int32: (low: Int64, high: Int64)],
        fromTimeOffsets: [Int32: Int64] = [:], toTimeOffsets: [Int32: Int64] = [:]
    ) throws(ReplayError) -> [ReplayRange] {
        if case .offsets(let offsets) = from {
            for partition in offsets.keys where watermarks[partition] == nil {
                throw ReplayError(code: .invalidConfiguration, message: "the topic has no partition \(partition)")
            }
        }
        var ranges: [ReplayRange] = []
        for partition in watermarks.keys.sorted() {
            let (low, high) = watermarks[partition]!
            func resolve(_ position: ReplayPosition, timeOffsets: [Int32: Int64]) -> Int64? {
                switch position {
                case .earliest: return low
                case .latest: return high
                case .time: return timeOffsets[partition].map { $0 < 0 ? high : $0 }
                case .offsets(let offsets): return offsets[partition]
                }
            }
            guard let start = resolve(from, timeOffsets: fromTimeOffsets) else { continue }
            let end = to.flatMap { resolve($0, timeOffsets: toTimeOffsets) } ?? high
            let clampedStart = min(max(start, low), high)
            let clampedEnd = min(max(end, clampedStart), high)
            ranges.append(ReplayRange(partition: partition, start: clampedStart, end: clampedEnd))
        }
        return ranges
    }
}
