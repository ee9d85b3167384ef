/// Renders a ``DeliveryReport`` as one self-contained HTML file: inline CSS and SVG charts, no
/// scripts, no external fonts or images.
package enum HTMLReportRenderer {
    /// Chart colors per status; statuses not listed are drawn as "in flight".
    static let statusColors: [(status: String, color: String)] = [
        ("delivered", "#2e9e5b"), ("read", "#1f7a8c"), ("undelivered", "#e67e22"),
        ("failed", "#c0392b"), ("canceled", "#95a5a6"),
    ]
    static let inFlightColor = "#9db8f2"
    static let latencyColor = "#3b6fd6"
    static let errorColor = "#8e44ad"

    /// `maxGroupRows` bounds the per-sender table.
    package static func render(_ report: DeliveryReport, maxGroupRows: Int = 500) -> String {
        let window = "\(ReportTimeSpec.formatISO(report.since)) – \(ReportTimeSpec.formatISO(report.until))"
        let totals = report.totals
        let twilio = ReportFormat.twilioLatency(report.twilioLatency)
        var body = """
            <h1>Delivery report</h1>
            <p class="meta">\(HTMLEscaping.escape(window)) · by \(report.bucket.rawValue) (UTC) · generated \
            \(ReportTimeSpec.formatISO(report.generatedAt))</p>
            <div class="cards">
            \(card("Messages", "\(totals.messages)"))
            \(card("Delivery rate", ReportFormat.percent(totals.deliveryRate)))
            \(card("sent→delivered/undelivered p50 / p90 / p99", totals.latency.map { "\(ReportFormat.duration(milliseconds: $0.p50)) / \(ReportFormat.duration(milliseconds: $0.p90)) / \(ReportFormat.duration(milliseconds: $0.p99))" } ?? "-"))
            \(card(twilio.label, twilio.value))
            \(card("Late / repeated events", "\(totals.lateEvents) / \(totals.repeatedEvents)"))
            \(card("Stuck > \(ReportFormat.duration(milliseconds: report.stuckAfterMilliseconds)), not yet reconciled", "\(report.stuckTotal)"))
            \(card("Confirmed by Twilio, still not final", "\(report.confirmedStuckTotal)"))
            \(card("Recovered by reconciliation", "\(report.recoveredTotal)"))
            </div>
            """

        body += "<h2>Status mix over time</h2>"
        let series = statusColors.map { SVGChart.Series(name: $0.status, color: $0.color) }
            + [SVGChart.Series(name: "in flight", color: inFlightColor)]
        let mix = report.periods.map { row in
            statusColors.map { row.stats.count($0.status) } + [row.stats.inFlight]
        }
        body += SVGChart(id: "status-mix").stackedBars(
            labels: report.periods.map { ReportFormat.period($0.bucket, bucket: report.bucket) }, series: series, values: mix
        )

        body += "<h2>Latency distribution</h2><h3>sent → delivered/undelivered (ingress clock)</h3>"
        body += SVGChart(id: "latency-histogram", height: 260).bars(
            labels: report.latencyHistogram.map(ReportFormat.bin), values: report.latencyHistogram.map(\.count), color: latencyColor
        )

        body += "<h2>Top error codes</h2>"
        if report.topErrors.isEmpty {
            body += "<p>No error codes in the window.</p>"
        } else {
            body += SVGChart(id: "error-codes").horizontalBars(
                labels: report.topErrors.map { "\($0.code) \($0.meaning ?? "")" },
                values: report.topErrors.map(\.messages), color: errorColor
            )
        }

        body += "<h2>By period</h2>"
        body += table(
            headers: ["Period"] + statsHeaders,
            rows: report.periods.map { [ReportFormat.period($0.bucket, bucket: report.bucket)] + statsCells($0.stats) }
                + [["total"] + statsCells(totals)],
            leading: 1
        )
        body += "<h2>By period, sender, messaging service and channel</h2>"
        body += table(
            headers: ["Period", "From", "Service", "Channel"] + statsHeaders,
            rows: report.groups.prefix(maxGroupRows).map {
                [
                    ReportFormat.period($0.bucket, bucket: report.bucket), ReportFormat.empty($0.sender),
                    ReportFormat.empty($0.messagingService), ReportFormat.empty($0.channel),
                ] + statsCells($0.stats)
            },
            leading: 4, wrapping: [2]
        )
        if report.groups.count > maxGroupRows {
            body += "<p>… \(report.groups.count - maxGroupRows) more rows.</p>"
        }
        body += "<h2>Stuck without a final status for more than \(ReportFormat.duration(milliseconds: report.stuckAfterMilliseconds))</h2>"
        body += "<p>\(report.stuckTotal) messages not yet reconciled (<code>statusrelay reconcile</code> fetches their Message resource); \(report.confirmedStuckTotal) more that Twilio confirmed as still at their status (for sent: no receipt from the carrier).</p>"
        body += table(
            headers: ["MessageSid", "Status", "Since"],
            rows: report.stuckSample.map { [$0.messageSid, $0.status, ReportTimeSpec.formatISO($0.updatedAt)] },
            leading: 3
        )
        body += "<h2>Recovered by reconciliation</h2>"
        body += table(
            headers: ["Status", "Statuses recovered"],
            rows: report.recoveredCounts.sorted { $0.key < $1.key }.map { [$0.key, "\($0.value)"] } + [["total", "\(report.recoveredTotal)"]],
            leading: 1
        )
        body += """
            <p class="meta">Late: events that arrived after a higher status of their message was released. \
            Repeated: a second callback for a status the message already had (different content). \
            Identical duplicates are dropped by the consumer and counted in its metrics.</p>
            """

        return """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
            <title>StatusRelay delivery report</title>
            <style>
            body{font-family:sans-serif;margin:24px;color:#222;background:#fff;max-width:1400px}
            h1{font-size:24px;margin:0 0 4px}h2{font-size:18px;margin:28px 0 8px}h3{font-size:14px;margin:12px 0 4px;color:#555}
            .meta{color:#666;font-size:12px}
            .cards{display:flex;gap:12px;flex-wrap:wrap;margin:12px 0}
            .card{border:1px solid #ddd;border-radius:6px;padding:8px 12px;min-width:150px}
            .card b{display:block;font-size:20px}.card span{font-size:12px;color:#666}
            .table{max-width:100%;overflow-x:auto}
            table{border-collapse:collapse;font-size:12px;margin:4px 0}
            th,td{border-bottom:1px solid #eee;padding:3px 6px;white-space:nowrap}
            th{background:#f6f6f6;text-align:left}td.n{text-align:right;font-variant-numeric:tabular-nums}
            td.wrap{white-space:normal;overflow-wrap:anywhere;min-width:6em;max-width:11em}
            svg.chart{display:block;margin:4px 0;max-width:100%;height:auto}
            </style></head><body>
            \(body)
            </body></html>

            """
    }

    private static let statsHeaders = [
        "Msgs", "delivered", "read", "undelivered", "failed", "canceled", "in flight", "Delivered",
        "p50", "p90", "p99", "Late", "Repeated",
    ]

    private static func statsCells(_ stats: DeliveryStats) -> [String] {
        let latency = stats.latency
        return ["\(stats.messages)"] + statusColors.map { "\(stats.count($0.status))" } + [
            "\(stats.inFlight)", ReportFormat.percent(stats.deliveryRate),
            latency.map { ReportFormat.duration(milliseconds: $0.p50) } ?? "-",
            latency.map { ReportFormat.duration(milliseconds: $0.p90) } ?? "-",
            latency.map { ReportFormat.duration(milliseconds: $0.p99) } ?? "-",
            "\(stats.lateEvents)", "\(stats.repeatedEvents)",
        ]
    }

    private static func card(_ label: String, _ value: String) -> String {
        "<div class=\"card\"><b>\(HTMLEscaping.escape(value))</b><span>\(HTMLEscaping.escape(label))</span></div>"
    }

    /// The first `leading` columns are text, the others numbers; the `wrapping` columns (long
    /// identifiers) may break over lines. In a scrolling box, so a wide table never widens the page.
    private static func table(headers: [String], rows: [[String]], leading: Int, wrapping: Set<Int> = []) -> String {
        var out = "<div class=\"table\"><table><thead><tr>" + headers.map { "<th>\(HTMLEscaping.escape($0))</th>" }.joined() + "</tr></thead><tbody>"
        for row in rows {
            out += "<tr>"
            for (index, cell) in row.enumerated() {
                let cls = wrapping.contains(index) ? " class=\"wrap\"" : index < leading ? "" : " class=\"n\""
                out += "<td\(cls)>\(HTMLEscaping.escape(cell))</td>"
            }
            out += "</tr>"
        }
        return out + "</tbody></table></div>"
    }
}
