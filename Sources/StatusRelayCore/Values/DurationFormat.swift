/// Human durations as used in flags, env vars and YAML: `250ms`, `3s`, `1.5s`, `1m`, `2h`,
/// `7d`, `500us`, `0`. Several terms may be combined (`1m30s`).
package enum DurationFormat {
    /// Parses a duration; nil when the text is not a valid non-negative duration.
    package static func parse(_ text: String) -> Duration? {
        let input = text.trimmingWhitespace()
        if input == "0" { return .zero }
        guard !input.isEmpty else { return nil }
        var total = Duration.zero
        var index = input.startIndex
        while index < input.endIndex {
            let numberStart = index
            while index < input.endIndex, input[index].isNumber || input[index] == "." {
                index = input.index(after: index)
            }
            guard let number = Double(input[numberStart..<index]), number >= 0 else { return nil }
            let unitStart = index
            while index < input.endIndex, input[index].isLetter || input[index] == "µ" {
                index = input.index(after: index)
            }
            let nanosPerUnit: Double
            switch input[unitStart..<index] {
            case "ns": nanosPerUnit = 1
            case "us", "µs": nanosPerUnit = 1e3
            case "ms": nanosPerUnit = 1e6
            case "s": nanosPerUnit = 1e9
            case "m": nanosPerUnit = 60e9
            case "h": nanosPerUnit = 3600e9
            case "d": nanosPerUnit = 86400e9
            default: return nil
            }
            let nanos = number * nanosPerUnit
            guard nanos < 9.2e18 else { return nil }
            total += .nanoseconds(Int64(nanos.rounded()))
        }
        return total
    }

    /// Formats a duration in the largest unit that divides it (`250ms`, `3s`, `1m`, `7d`), the form
    /// the README and the flags use; the one duration-to-text rule (`--check-config`, logs).
    package static func format(_ duration: Duration) -> String {
        let nanos = duration.nanoseconds
        if nanos == 0 { return "0s" }
        for (unit, size) in [("d", Int64(86400e9)), ("h", Int64(3600e9)), ("m", Int64(60e9)), ("s", Int64(1e9)), ("ms", Int64(1e6)), ("us", Int64(1e3))]
        where nanos % size == 0 {
            return "\(nanos / size)\(unit)"
        }
        return "\(nanos)ns"
    }
}

