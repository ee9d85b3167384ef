/// Renders a ``DeliveryReport`` as aligned plain-text tables.
package enum TerminalReportRenderer {
    /// Statuses that get their own column; everything else not final is "in flight".
    static let statusColumns = ["delivered", "read", "undelivered", "failed", "canceled"]

    /// `maxGroupRows` bounds the per-sender table (the rest is summarized in one line).
    package static func render(_ report: DeliveryReport, maxGroupRows: Int = 100) -> String {
        var sections: [String] = []
        let window = "\(ReportTimeSpec.formatISO(report.since)) – \(ReportTimeSpec.formatISO(report.until))"
        let totals = report.totals
        sections.append(
            """
            Delivery report  \(window)  (by \(report.bucket.rawValue), UTC)
            \(totals.messages) messages, \(totals.events) events; delivery rate \(ReportFormat.percent(totals.deliveryRate)); \
            \(totals.lateEvents) late events, \(totals.repeatedEvents) repeated statuses; \
            \(report.stuckTotal) stuck > \(ReportFormat.duration(milliseconds: report.stuckAfterMilliseconds))
            """
        )

        var periods = statsTable(title: "By period", leading: ["Period"])
        for row in report.periods {
            periods.append([ReportFormat.period(row.bucket, bucket: report.bucket)] + statsCells(row.stats))
        }
        periods.append(["total"] + statsCells(totals))
        sections.append(periods.render())

        var groups = statsTable(title: "By period, sender, messaging service and channel", leading: ["Period", "From", "Service", "Channel"])
        for row in report.groups.prefix(maxGroupRows) {
            groups.append(
                [
                    ReportFormat.period(row.bucket, bucket: report.bucket), ReportFormat.empty(row.sender),
                    ReportFormat.empty(row.messagingService), ReportFormat.empty(row.channel),
                ] + statsCells(row.stats)
            )
        }
        var groupText = groups.render()
        if report.groups.count > maxGroupRows {
            groupText += "\n… \(report.groups.count - maxGroupRows) more rows (raise --max-rows)"
        }
        sections.append(groupText)

        var latency = TextTable(
            title: "Latency distribution (messages)", headers: ["Latency", "sent→delivered/undelivered"],
            alignments: [.left, .right]
        )
        for bin in report.latencyHistogram {
            latency.append([ReportFormat.bin(bin), "\(bin.count)"])
        }
        let twilio = ReportFormat.twilioLatency(report.twilioLatency)
        sections.append(latency.render() + "\n\(twilio.label): \(twilio.value)")

        var errors = TextTable(title: "Top error codes", headers: ["Code", "Messages", "Meaning"], alignments: [.left, .right, .left])
        for error in report.topErrors {
            errors.append([error.code, "\(error.messages)", error.meaning ?? "(see twilio.com/docs/api/errors/\(error.code))"])
        }
        if report.topErrors.isEmpty { errors.append(["-", "0", "no error codes in the window"]) }
        sections.append(errors.render())

        var stuck = TextTable(
            title: "Stuck without a final status for more than \(ReportFormat.duration(milliseconds: report.stuckAfterMilliseconds)), not yet reconciled: \(report.stuckTotal) (statusrelay reconcile asks Twilio)",
            headers: ["MessageSid", "Status", "Since"], alignments: [.left, .left, .left]
        )
        for message in report.stuckSample {
            stuck.append([message.messageSid, message.status, ReportTimeSpec.formatISO(message.updatedAt)])
        }
        if report.stuckTotal > report.stuckSample.count {
            let byStatus = report.stuckCounts.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
            stuck.append(["… \(report.stuckTotal - report.stuckSample.count) more", byStatus, ""])
        }
        sections.append(stuck.render())
        sections.append(reconciliationLines(report))
        return sections.joined(separator: "\n\n") + "\n"
    }

    /// Stuck messages Twilio confirmed, and statuses reconciliation recovered in the window.
    static func reconciliationLines(_ report: DeliveryReport) -> String {
        func byStatus(_ counts: [String: Int]) -> String {
            counts.isEmpty ? "" : " (" + counts.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ") + ")"
        }
        return """
            Confirmed by Twilio as still at their status (for sent: no receipt from the carrier): \(report.confirmedStuckTotal)\(byStatus(report.confirmedStuckCounts))
            Statuses recovered by reconciliation in the window: \(report.recoveredTotal)\(byStatus(report.recoveredCounts))
            """
    }

    private static func statsTable(title: String, leading: [String]) -> TextTable {
        let headers = leading + ["Msgs"] + statusColumns + ["in flight", "Delivered", "p50", "p90", "p99", "Late", "Repeated"]
        let alignments = leading.map { _ in TextTable.Alignment.left } + Array(repeating: .right, count: headers.count - leading.count)
        return TextTable(title: title, headers: headers, alignments: alignments)
    }

    private static func statsCells(_ stats: DeliveryStats) -> [String] {
        let latency = stats.latency
        return ["\(stats.messages)"] + statusColumns.map { "\(stats.count($0))" } + [
            "\(stats.inFlight)", ReportFormat.percent(stats.deliveryRate),
            latency.map { ReportFormat.duration(milliseconds: $0.p50) } ?? "-",
            latency.map { ReportFormat.duration(milliseconds: $0.p90) } ?? "-",
            latency.map { ReportFormat.duration(milliseconds: $0.p99) } ?? "-",
            "\(stats.lateEvents)", "\(stats.repeatedEvents)",
        ]
    }
}
