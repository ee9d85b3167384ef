import Foundation

/// The closing summary of `statusrelay reconcile`, for a person or as JSON (`--json`).
package enum ReconcileSummaryRenderer {
    package static func text(_ summary: ReconcileSummary) -> String {
        var lines: [String] = []
        func line(_ label: String, _ value: String) {
            lines.append("  " + label.padding(toLength: 13, withPad: " ", startingAt: 0) + value)
        }
        lines.append("Reconciled with Twilio\(summary.dryRun ? " (dry run: nothing published)" : ""):")
        line("checked", "\(summary.checked)  (stuck in the sink: \(summary.stuck), listed by Twilio: \(summary.discovered))")
        line(summary.dryRun ? "would change" : "changed", "\(summary.changedTotal)")
        for (transition, count) in summary.changed.sorted(by: { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }) {
            lines.append("    \(transition): \(count)")
        }
        if summary.confirmed > 0 {
            let note = summary.dryRun ? "would go out as confirmations" : "published as confirmations"
            line("unchanged", "\(summary.unchanged)  (\(summary.confirmed) stuck at a status Twilio confirmed: \(note))")
        } else {
            line("unchanged", "\(summary.unchanged)")
        }
        line("not found", "\(summary.notFound)")
        line("failed", "\(summary.failed)")
        if summary.skippedAccounts > 0 {
            line("skipped", "\(summary.skippedAccounts)  (accounts not given with --account)")
        }
        if !summary.dryRun { line("published", "\(summary.published) events") }
        line("Twilio", String(
            format: "%d requests (%d retries, %d throttled) in %.1fs, %.1f requests/s",
            summary.requests, summary.retries, summary.throttled, summary.elapsedSeconds, summary.requestsPerSecond
        ))
        if !summary.sample.isEmpty {
            lines.append(summary.dryRun ? "Sample of what would change:" : "Sample of changes:")
            for change in summary.sample { lines.append("  \(change.messageSid)  \(change.transition)") }
        }
        if !summary.failures.isEmpty {
            lines.append("Sample of failures:")
            for failure in summary.failures { lines.append("  \(failure)") }
        }
        return lines.joined(separator: "\n")
    }

    package static func json(_ summary: ReconcileSummary) -> String {
        let object: [String: Any] = [
            "dryRun": summary.dryRun,
            "checked": summary.checked,
            "stuck": summary.stuck,
            "discovered": summary.discovered,
            "changed": summary.changedTotal,
            "changedByTransition": summary.changed.sorted { $0.key < $1.key }.map {
                ["from": $0.key.from ?? NSNull(), "to": $0.key.to, "count": $0.value] as [String: Any]
            },
            "unchanged": summary.unchanged,
            "confirmed": summary.confirmed,
            "notFound": summary.notFound,
            "failed": summary.failed,
            "skippedAccounts": summary.skippedAccounts,
            "published": summary.published,
            "sample": summary.sample.map { ["messageSid": $0.messageSid, "from": $0.transition.from ?? NSNull(), "to": $0.transition.to] as [String: Any] },
            "failures": summary.failures,
            "twilio": [
                "requests": summary.requests, "retries": summary.retries, "throttled": summary.throttled,
                "requestsPerSecond": summary.requestsPerSecond,
            ] as [String: Any],
            "elapsedSeconds": summary.elapsedSeconds,
        ]
        guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]) else { return "{}" }
        return String(decoding: data, as: UTF8.self)
    }
}
