import Foundation

/// The progress line of a replay: `[#######.......]  45,000/100,000 events  12,300/s  ETA 4s`.
/// Formatting is pure; ``ReplayProgressReporter`` decides when to draw it.
package struct ReplayProgress: Sendable, Hashable {
    package var done: Int64
    package var total: Int64
    package var elapsedSeconds: Double
    /// What is counted: `events`, `messages`.
    package var unit: String

    package init(done: Int64, total: Int64, elapsedSeconds: Double, unit: String = "events") {
        self.done = done
        self.total = total
        self.elapsedSeconds = elapsedSeconds
        self.unit = unit
    }

    /// Events per second so far.
    package var rate: Double { elapsedSeconds > 0 ? Double(done) / elapsedSeconds : 0 }

    /// Seconds left at the current rate; nil before there is a rate.
    package var etaSeconds: Double? {
        guard rate > 0 else { return nil }
        return Double(max(0, total - done)) / rate
    }

    package func render(width: Int = 30) -> String {
        let fraction = total > 0 ? min(1, Double(done) / Double(total)) : 1
        let filled = Int((fraction * Double(width)).rounded(.down))
        let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
        let eta = etaSeconds.map { Self.seconds($0) } ?? "--"
        return "[\(bar)] \(Self.grouped(done))/\(Self.grouped(total)) \(unit)  \(Self.grouped(Int64(rate.rounded())))/s  ETA \(eta)"
    }

    static func grouped(_ value: Int64) -> String {
        let digits = String(value.magnitude)
        var out = ""
        for (index, character) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { out.append(",") }
            out.append(character)
        }
        return (value < 0 ? "-" : "") + out
    }

    static func seconds(_ value: Double) -> String {
        let total = Int(value.rounded(.up))
        if total < 60 { return "\(total)s" }
        if total < 3600 { return "\(total / 60)m\(String(format: "%02d", total % 60))s" }
        return "\(total / 3600)h\(String(format: "%02d", (total % 3600) / 60))m"
    }
}
