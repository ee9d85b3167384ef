/// The summary `statusrelay replay` prints on stdout.
package enum ReplayResultRenderer {
    package static func render(_ result: ReplayResult) -> String {
        var lines: [String] = []
        let ranges = result.ranges.isEmpty ? "nothing to read" : result.ranges.map(\.description).joined(separator: " ")
        lines.append("ranges (partition:start..<end): \(ranges)")
        lines.append(
            "read \(result.read) records: \(result.released) events released (\(result.late) late), "
                + "\(result.duplicates) duplicates dropped, \(result.undecodable) dead-lettered (undecodable or key not the messageSid)"
        )
        if !result.stoppedEarly.isEmpty {
            lines.append("partitions \(result.stoppedEarly.map(String.init).joined(separator: ",")) ended before their end offset (gaps)")
        }
        if let dryRun = result.dryRun {
            lines.append("dry run: nothing was written" + (dryRun.comparedWith.map { "; compared with \($0)" } ?? "; no database sink to compare with"))
            lines.append(
                "\(dryRun.messagesChangingState) of \(dryRun.messages) messages would change state; "
                    + "\(dryRun.messagesGainingHistoryOnly) would only gain history rows; \(dryRun.newEvents) history rows would be added"
            )
            if !dryRun.sample.isEmpty {
                var table = TextTable(headers: ["MessageSid", "Current", "New", "New events"], alignments: [.left, .left, .left, .right])
                for change in dryRun.sample {
                    table.append([change.messageSid, change.currentStatus ?? "(none)", change.newStatus, "\(change.newEvents)"])
                }
                lines.append(table.render())
            }
        }
        return lines.joined(separator: "\n")
    }
}
