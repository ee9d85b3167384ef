import Foundation

/// Inline SVG bar charts for the HTML report: plain `<rect>`/`<text>` elements, no scripts, no
/// fonts beyond the reader's generic sans-serif.
struct SVGChart: Sendable {
    struct Series: Sendable {
        var name: String
        var color: String
    }

    var id: String
    var width = 1100
    var height = 320

    private static let margin = (top: 20, right: 20, bottom: 60, left: 70)

    /// Vertical bars, one per label, each stacked from `values[label][series]`.
    func stackedBars(labels: [String], series: [Series], values: [[Int]], showLegend: Bool = true) -> String {
        let plotWidth = width - Self.margin.left - Self.margin.right
        let plotHeight = height - Self.margin.top - Self.margin.bottom - 24
        let ticks = AxisTicks(maximum: values.map { $0.reduce(0, +) }.max() ?? 1)
        var body = axes(ticks, plotWidth: plotWidth, plotHeight: plotHeight)
        let slot = Double(plotWidth) / Double(max(1, labels.count))
        let barWidth = max(1, slot * 0.8)
        // Roughly 6.5 px per character at font-size 12; keep a gap between labels.
        let labelWidth = Double(labels.map(\.count).max() ?? 1) * 6.5 + 12
        let labelEvery = max(1, Int((labelWidth / slot).rounded(.up)))
        for (index, label) in labels.enumerated() {
            let x = Double(Self.margin.left) + slot * Double(index) + (slot - barWidth) / 2
            var y = Double(Self.margin.top + plotHeight)
            for (seriesIndex, item) in series.enumerated() {
                let value = seriesIndex < values[index].count ? values[index][seriesIndex] : 0
                guard value > 0 else { continue }
                let barHeight = Double(value) / ticks.top * Double(plotHeight)
                y -= barHeight
                body += rect(x: x, y: y, width: barWidth, height: barHeight, color: item.color, title: "\(label) \(item.name): \(value)")
            }
            if index % labelEvery == 0 {
                body += text(x: x + barWidth / 2, y: Double(Self.margin.top + plotHeight + 16), label, anchor: "middle")
            }
        }
        if showLegend { body += legend(series, y: Double(height - 14)) }
        return wrap(body)
    }

    /// Vertical bars, one per label.
    func bars(labels: [String], values: [Int], color: String) -> String {
        stackedBars(labels: labels, series: [Series(name: "messages", color: color)], values: values.map { [$0] }, showLegend: false)
    }

    /// Horizontal bars with a label on the left of each.
    func horizontalBars(labels: [String], values: [Int], color: String) -> String {
        let labelWidth = 420
        let rowHeight = 26
        let chartHeight = max(rowHeight, labels.count * rowHeight) + 10
        let plotWidth = width - labelWidth - 90
        let maximum = max(1, values.max() ?? 1)
        var body = ""
        for (index, label) in labels.enumerated() {
            let y = Double(index * rowHeight + 5)
            let barWidth = Double(values[index]) / Double(maximum) * Double(plotWidth)
            body += text(x: Double(labelWidth - 8), y: y + 16, label, anchor: "end")
            body += rect(x: Double(labelWidth), y: y + 2, width: max(1, barWidth), height: Double(rowHeight - 6), color: color, title: "\(label): \(values[index])")
            body += text(x: Double(labelWidth) + max(1, barWidth) + 6, y: y + 16, "\(values[index])", anchor: "start")
        }
        return """
            <svg class="chart" id="\(id)" xmlns="http://www.w3.org/2000/svg" width="\(width)" height="\(chartHeight)" \
            viewBox="0 0 \(width) \(chartHeight)" role="img">\(body)</svg>
            """
    }

    // MARK: - Pieces

    private func wrap(_ body: String) -> String {
        """
        <svg class="chart" id="\(id)" xmlns="http://www.w3.org/2000/svg" width="\(width)" height="\(height)" \
        viewBox="0 0 \(width) \(height)" role="img">\(body)</svg>
        """
    }

    private func axes(_ ticks: AxisTicks, plotWidth: Int, plotHeight: Int) -> String {
        var out = ""
        let left = Double(Self.margin.left)
        let bottom = Double(Self.margin.top + plotHeight)
        for (value, label) in zip(ticks.values, ticks.labels) {
            let y = bottom - Double(plotHeight) * value / ticks.top
            out += "<line x1=\"\(f(left))\" y1=\"\(f(y))\" x2=\"\(f(left + Double(plotWidth)))\" y2=\"\(f(y))\" stroke=\"#dddddd\"/>"
            out += text(x: left - 6, y: y + 4, label, anchor: "end")
        }
        out += "<line x1=\"\(f(left))\" y1=\"\(f(bottom))\" x2=\"\(f(left + Double(plotWidth)))\" y2=\"\(f(bottom))\" stroke=\"#888888\"/>"
        return out
    }

    private func legend(_ series: [Series], y: Double) -> String {
        var out = ""
        var x = Double(Self.margin.left)
        for item in series {
            out += "<rect x=\"\(f(x))\" y=\"\(f(y - 10))\" width=\"12\" height=\"12\" fill=\"\(item.color)\"/>"
            out += text(x: x + 16, y: y, item.name, anchor: "start")
            x += 28 + Double(item.name.count) * 7.5
        }
        return out
    }

    private func rect(x: Double, y: Double, width: Double, height: Double, color: String, title: String) -> String {
        "<rect x=\"\(f(x))\" y=\"\(f(y))\" width=\"\(f(width))\" height=\"\(f(height))\" fill=\"\(color)\">"
            + "<title>\(HTMLEscaping.escape(title))</title></rect>"
    }

    private func text(x: Double, y: Double, _ content: String, anchor: String) -> String {
        "<text x=\"\(f(x))\" y=\"\(f(y))\" text-anchor=\"\(anchor)\" font-size=\"12\" fill=\"#333333\">"
            + "\(HTMLEscaping.escape(content))</text>"
    }

    private func f(_ value: Double) -> String { String(format: "%.1f", value) }
}
