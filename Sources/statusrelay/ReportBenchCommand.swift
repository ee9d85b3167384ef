import ArgumentParser
import Foundation
import Logging
import Operations

/// `statusrelay report-bench`: fills a sink database with about 5 events per message and times the
/// delivery report over it (scripts/report-bench.sh runs it for SQLite and PostgreSQL).
struct ReportBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report-bench",
        abstract: "Benchmark: fill a sink database with fixture events, then time `statusrelay report` over it.",
        shouldDisplay: false
    )

    @Option(help: "sqlite:PATH or postgres://… (use an empty database).")
    var sink: String

    @Option(help: "Messages to generate (about 5 events each; 200000 ≈ 1,000,000 events).")
    var messages = 200_000

    @Option(help: "Report runs to time.")
    var runs = 3

    @Flag(help: "Do not fill; time the report over what the database holds.")
    var noFill = false

    func run() async throws {
        var logger = Logger(label: "statusrelay.report-bench")
        logger.logLevel = .warning
        let now = Int64((Date().timeIntervalSince1970 * 1000).rounded())
        let timing = try await ReportBenchmark.run(
            sink: sink, messages: messages, runs: runs, fill: !noFill, now: now, logger: logger
        ) { line in
            FileHandle.standardError.write(Data((line + "\n").utf8))
        }
        let sorted = timing.reportSeconds.sorted()
        print(
            """
            sink: \(sink.hasPrefix("postgres") ? "postgres" : sink)
            events: \(timing.events) (\(timing.report.totals.messages) messages in the window)
            fill: \(String(format: "%.1f", timing.fillSeconds)) s\(timing.fillSeconds > 0 ? String(format: " (%.0f events/s)", Double(timing.events) / timing.fillSeconds) : "")
            report runs (s): \(timing.reportSeconds.map { String(format: "%.2f", $0) }.joined(separator: ", "))
            report best / worst: \(String(format: "%.2f", sorted.first ?? 0)) / \(String(format: "%.2f", sorted.last ?? 0)) s
            """
        )
    }
}
