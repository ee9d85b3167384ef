/// Where a replay starts (`--from`) or stops (`--to`).
package enum ReplayPosition: Sendable, Hashable {
    /// The first record still on the broker.
    case earliest
    /// The end of each partition as it is when the replay starts.
    case latest
    /// The first record whose Kafka timestamp is at or after this time (ms since the Unix epoch),
    /// found with offsets-for-times.
    case time(Int64)
    /// Explicit offsets per partition (`0:1234,1:99`). As `--from`: only these partitions are read,
    /// starting at these offsets. As `--to`: exclusive end offsets (partitions not listed read to
    /// their end).
    case offsets([Int32: Int64])

    /// Parses `earliest`, `latest`, `beginning`, `end`, an ISO-8601 time, or `P:O,P:O`.
    package static func parse(_ text: String) throws(ReplayError) -> ReplayPosition {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        switch trimmed.lowercased() {
        case "earliest", "beginning": return .earliest
        case "latest", "end", "now": return .latest
        default: break
        }
        if trimmed.contains(":"), trimmed.first?.isNumber == true, !trimmed.contains("T"), !trimmed.contains("-") {
            var offsets: [Int32: Int64] = [:]
            for part in trimmed.split(separator: ",") {
                let pieces = part.split(separator: ":")
                guard pieces.count == 2, let partition = Int32(pieces[0]), let offset = Int64(pieces[1]),
                    partition >= 0, offset >= 0
                else {
                    throw ReplayError(code: .invalidPosition, message: "\"\(part)\" is not PARTITION:OFFSET")
                }
                guard offsets.updateValue(offset, forKey: partition) == nil else {
                    throw ReplayError(code: .invalidPosition, message: "partition \(partition) is listed twice")
                }
            }
            return .offsets(offsets)
        }
        if let time = ReportTimeSpec.parseISO(trimmed) { return .time(time) }
        throw ReplayError(
            code: .invalidPosition,
            message: "\"\(text)\" is not an ISO-8601 time, earliest, latest or PARTITION:OFFSET[,PARTITION:OFFSET…]"
        )
    }
}
