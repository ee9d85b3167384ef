/// Byte sizes in configuration: `65536`, `64KiB`, `16MiB`, `1GiB`, `10MB`.
package enum ByteSizeFormat {
    package static func parse(_ text: String) -> Int? {
        let input = text.trimmingWhitespace()
        let digits = input.prefix { $0.isNumber }
        guard let number = Int(digits), number >= 0 else { return nil }
        let multiplier: Int
        switch input.dropFirst(digits.count).trimmingWhitespace().lowercased() {
        case "", "b": multiplier = 1
        case "k", "kib": multiplier = 1 << 10
        case "m", "mib": multiplier = 1 << 20
        case "g", "gib": multiplier = 1 << 30
        case "kb": multiplier = 1000
        case "mb": multiplier = 1_000_000
        case "gb": multiplier = 1_000_000_000
        default: return nil
        }
        let (bytes, overflow) = number.multipliedReportingOverflow(by: multiplier)
        return overflow ? nil : bytes
    }

    package static func format(_ bytes: Int) -> String {
        for (unit, size) in [("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)] where bytes >= size && bytes % size == 0 {
            return "\(bytes / size)\(unit)"
        }
        return "\(bytes)"
    }
}
