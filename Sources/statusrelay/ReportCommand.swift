import ArgumentParser
import Foundation
import Logging
import Operations
import StatusRelayCore

/// `statusrelay report`: the delivery report over a SQLite or PostgreSQL sink's tables.
struct ReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Delivery report from a sink database: status mix, delivery rate, latency, errors, stuck messages.",
        discussion: """
            Reads the message_status and message_status_events tables a sqlite: or postgres:// sink wrote \
            (read-only; it only creates temporary tables). Prints aligned tables; --html also writes one \
            self-contained HTML file with SVG charts.
            """
    )

    @Option(help: "The sink database: sqlite:PATH or postgres://user@host:port/db.")
    var sink: String

    @Option(help: "Window start: ISO-8601 time (2026-11-29T00:00:00Z) or a duration back from now (24h, 7d).")
    var since = "24h"

    @Option(help: "Window end (exclusive): ISO-8601 time or a duration back from now. Default: now.")
    var until: String?

    @Option(help: "Period of the rows: hour or day.")
    var bucket = "hour"

    @Option(help: "A non-final status older than this counts as stuck (e.g. 24h, 90m).")
    var stuckAfter = "24h"

    @Option(help: "Write the HTML report to this file.")
    var html: String?

    @Option(help: "Most rows of the per-sender table to print.")
    var maxRows = 100

    @Flag(help: "Print only the HTML file path (with --html), not the tables.")
    var quiet = false

    @Flag(help: "Migrate a database written by an older StatusRelay to the current schema (adds the report's columns and indexes; writes once), then report. A no-op on a current database.")
    var prepare = false

    func run() async throws {
        let logger = Logger(label: "statusrelay.report")
        if prepare {
            do {
                let outcome = try await DeliveryReportGenerator.prepare(sink: sink, logger: logger)
                FileHandle.standardError.write(Data("\(outcome)\n".utf8))
            } catch {
                throw CommandFailure("--prepare failed: \(error)")
            }
        }
        let now = Int64((Date().timeIntervalSince1970 * 1000).rounded())
        guard let sinceValue = ReportTimeSpec.parse(since, now: now) else {
            throw ValidationError("--since: expected an ISO-8601 time or a duration like 24h or 7d, got \"\(since)\"")
        }
        var untilValue: Int64?
        if let until {
            guard let value = ReportTimeSpec.parse(until, now: now) else {
                throw ValidationError("--until: expected an ISO-8601 time or a duration like 1h, got \"\(until)\"")
            }
            untilValue = value
        }
        guard let bucketValue = ReportBucket(rawValue: bucket.lowercased()) else {
            throw ValidationError("--bucket: expected hour or day, got \"\(bucket)\"")
        }
        guard let stuck = Self.parseDuration(stuckAfter) else {
            throw ValidationError("--stuck-after: expected a duration like 24h, 90m or 2d, got \"\(stuckAfter)\"")
        }
        let configuration = ReportConfiguration(
            sink: sink, since: sinceValue, until: untilValue, bucket: bucketValue, stuckAfter: stuck, now: now
        )
        let report: DeliveryReport
        do {
            report = try await DeliveryReportGenerator.generate(configuration: configuration, logger: logger)
        } catch {
            throw CommandFailure("report failed: \(error)")
        }
        if !quiet || html == nil {
            print(TerminalReportRenderer.render(report, maxGroupRows: maxRows), terminator: "")
        }
        if let html {
            do {
                try Data(HTMLReportRenderer.render(report).utf8).write(to: URL(fileURLWithPath: html), options: .atomic)
            } catch {
                throw CommandFailure("cannot write \(html): \(error.localizedDescription)")
            }
            FileHandle.standardError.write(Data("HTML report written to \(html)\n".utf8))
        }
    }

    /// `24h`, `90m`, `2d`.
    static func parseDuration(_ text: String) -> Duration? {
        if text.hasSuffix("d"), let days = Int64(text.dropLast()), days >= 0 { return .seconds(days * 86_400) }
        return DurationFormat.parse(text)
    }
}
