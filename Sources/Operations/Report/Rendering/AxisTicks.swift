/// The y-axis of a chart of counts: round tick values from 0 to a top at or above the largest
/// value, and their labels. Pure, so the labels can be tested without drawing.
package struct AxisTicks: Sendable, Equatable {
    /// Tick values from 0 to `top`, evenly spaced by `step`.
    package var values: [Double]
    package var step: Double
    package var top: Double { values.last ?? 0 }

    /// About `intervals` intervals of 1, 2, 2.5 or 5 × 10ⁿ. Counts are whole numbers, so the step is
    /// at least 1 (a maximum of 2 gives 0, 1, 2 rather than 0, 0.5, 1, 1.5, 2).
    package init(maximum: Int, intervals: Int = 4) {
        let maximum = Double(max(1, maximum))
        let raw = max(1, maximum / Double(max(1, intervals)))
        var magnitude = 1.0
        while magnitude * 10 <= raw { magnitude *= 10 }
        let factor = [1, 2, 2.5, 5, 10].first { $0 * magnitude >= raw } ?? 10
        let step = factor * magnitude
        let count = Int((maximum / step).rounded(.up))
        self.step = step
        values = (0...count).map { Double($0) * step }
    }

    /// The labels, exact: `2.5` stays `2.5`, thousands are grouped (`12,500`).
    package var labels: [String] { values.map(Self.label) }

    /// One tick value as text, with as many decimals as it needs (at most two) and no more.
    package static func label(_ value: Double) -> String {
        let hundredths = Int64((value * 100).rounded())
        let whole = grouped(abs(hundredths) / 100)
        let fraction = abs(hundredths) % 100
        let sign = hundredths < 0 ? "-" : ""
        switch fraction {
        case 0: return sign + whole
        case let f where f % 10 == 0: return "\(sign)\(whole).\(f / 10)"
        default: return "\(sign)\(whole).\(fraction < 10 ? "0" : "")\(fraction)"
        }
    }

    private static func grouped(_ value: Int64) -> String {
        let digits = String(value)
        var out = ""
        for (index, digit) in digits.enumerated() {
            if index > 0, (digits.count - index) % 3 == 0 { out += "," }
            out.append(digit)
        }
        return out
    }
}
