/// A plain-text table with aligned columns: text left-aligned, numbers right-aligned.
package struct TextTable: Sendable {
    package enum Alignment: Sendable { case left, right }

    package var title: String?
    package var headers: [String]
    package var alignments: [Alignment]
    package var rows: [[String]] = []

    package init(title: String? = nil, headers: [String], alignments: [Alignment]? = nil) {
        self.title = title
        self.headers = headers
        self.alignments = alignments ?? headers.map { _ in .left }
    }

    package mutating func append(_ row: [String]) {
        rows.append(row)
    }

    /// The table as lines joined by newlines (no trailing newline).
    package func render() -> String {
        var widths = headers.map(\.count)
        for row in rows {
            for (index, cell) in row.enumerated() where index < widths.count {
                widths[index] = max(widths[index], cell.count)
            }
        }
        func line(_ cells: [String]) -> String {
            var parts: [String] = []
            for index in widths.indices {
                let cell = index < cells.count ? cells[index] : ""
                let padding = String(repeating: " ", count: widths[index] - cell.count)
                parts.append(alignments[index] == .right ? padding + cell : cell + padding)
            }
            var text = parts.joined(separator: "  ")
            while text.last == " " { text.removeLast() }
            return text
        }
        var lines: [String] = []
        if let title { lines.append(title) }
        lines.append(line(headers))
        lines.append(widths.map { String(repeating: "-", count: $0) }.joined(separator: "  "))
        lines += rows.map(line)
        return lines.joined(separator: "\n")
    }
}
