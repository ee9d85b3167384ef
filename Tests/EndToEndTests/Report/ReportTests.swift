import Consumer
import Foundation
import Logging
@testable import Operations
import Testing
import TestSupport

/// The delivery report over tables written by the real SQLite and PostgreSQL sinks.
@Suite("Delivery report")
struct ReportTests {
    enum Backend: String, CaseIterable, Sendable { case sqlite, postgres }

    func sinkURL(_ backend: Backend) throws -> String {
        switch backend {
        case .sqlite: "sqlite:" + (try TestEnvironment.makeTemporaryDirectory("report") as NSString).appendingPathComponent("sink.db")
        case .postgres: try ReportTestData.postgresURL()
        }
    }

    @Test("figures of a known history", arguments: Backend.allCases)
    func knownHistory(backend: Backend) async throws {
        let t = ReportTestData.hourThreeHoursAgo
        let url = try sinkURL(backend)
        try await ReportTestData.write(try ReportTestData.history(t: t), sinkURL: url)
        let now = t + 3 * 3_600_000 + 60_000
        let report = try await DeliveryReportGenerator.generate(
            configuration: ReportConfiguration(sink: url, since: t - 3_600_000, bucket: .hour, stuckAfter: .seconds(3600), now: now),
            logger: Logger(label: "test")
        )
        let totals = report.totals
        #expect(totals.messages == 6)
        #expect(totals.statusCounts == ["delivered": 2, "undelivered": 1, "read": 1, "sent": 1, "failed": 1])
        #expect(totals.events == 18)
        #expect(totals.deliveryRate == 0.6)
        #expect(totals.lateEvents == 2)
        #expect(totals.repeatedEvents == 1)
        // sent→delivered/undelivered by the ingress clock: M3 1 s, M2 10 s (undelivered), M4 20 s,
        // M1 179 s. M1's RawDlrDoneDate (no time zone) is no latency at all.
        #expect(totals.latency == LatencyPercentiles(count: 4, p50: 10_000, p90: 179_000, p99: 179_000))

        #expect(report.periods.map(\.bucket) == [t, t + 3_600_000])
        #expect(report.periods.map(\.stats.messages) == [5, 1])
        #expect(report.periods[0].stats.latency?.count == 4)

        let groups = report.groups.map { "\($0.sender ?? "?")|\($0.messagingService ?? "?")|\($0.channel ?? "?")|\($0.stats.messages)" }
        #expect(
            groups == [
                "+15550000001|\(ReportTestData.service)|sms|2",
                "+15550000002||sms|2",
                "whatsapp:+15550000003||whatsapp|1",
                "+15550000001||sms|1",
            ]
        )
        let firstGroup = try #require(report.groups.first)
        #expect(firstGroup.stats.count("delivered") == 1 && firstGroup.stats.count("undelivered") == 1)
        #expect(firstGroup.stats.latency == LatencyPercentiles(count: 2, p50: 10_000, p90: 179_000, p99: 179_000))

        #expect(report.topErrors == [
            ErrorCodeCount(code: "30003", messages: 1, meaning: "unreachable destination handset"),
            ErrorCodeCount(code: "30007", messages: 1, meaning: "message filtered (carrier violation)"),
        ])
        #expect(report.stuckCounts == ["sent": 1])
        #expect(report.stuckSample.map(\.messageSid) == [ReportTestData.sid(5)])

        let histogram = report.latencyHistogram
        #expect(histogram.reduce(0) { $0 + $1.count } == 4)
        #expect(histogram.first { $0.lower == 1_000 }?.count == 1)  // 1 s
        #expect(histogram.first { $0.lower == 10_000 }?.count == 2)  // 10 s, 20 s
        #expect(histogram.first { $0.lower == 120_000 }?.count == 1)  // 179 s

        let text = TerminalReportRenderer.render(report)
        #expect(text.contains("30003  "))
        #expect(text.contains("unreachable destination handset"))
        #expect(text.contains(ReportTestData.sid(5)))
        #expect(!text.lowercased().contains("carrier done"))
    }

    @Test("window bounds: messages before --since are not counted, stuck ones still are")
    func window() async throws {
        let t = ReportTestData.hourThreeHoursAgo
        let url = try sinkURL(.sqlite)
        try await ReportTestData.write(try ReportTestData.history(t: t), sinkURL: url)
        let report = try await DeliveryReportGenerator.generate(
            configuration: ReportConfiguration(sink: url, since: t + 3_600_000, bucket: .day, stuckAfter: .seconds(3600), now: t + 4 * 3_600_000),
            logger: Logger(label: "test")
        )
        #expect(report.totals.messages == 1)
        #expect(report.totals.count("failed") == 1)
        #expect(report.periods.count == 1)
        #expect(report.stuckCounts == ["sent": 1])
    }

    @Test("SQLite and PostgreSQL give the same report for the same events")
    func backendsAgree() async throws {
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        let fixture = ReportFixture(messages: 3_000, start: now - 20 * 3_600_000, spanMilliseconds: 18 * 3_600_000, seed: 7)
        var reports: [DeliveryReport] = []
        for backend in Backend.allCases {
            let url = try sinkURL(backend)
            let sink = try SinkFactory.makeSink(url: url, configuration: SinkFactory.Configuration(), logger: Logger(label: "test"))
            try await sink.start()
            let written = try await fixture.write(to: sink)
            try await sink.shutdown()
            #expect(written > 12_000)
            reports.append(
                try await DeliveryReportGenerator.generate(
                    configuration: ReportConfiguration(sink: url, since: now - 48 * 3_600_000, bucket: .hour, now: now),
                    logger: Logger(label: "test")
                )
            )
        }
        #expect(reports[0].totals.messages == 3_000)
        #expect(reports[0].periods.count >= 18)
        #expect(reports[0].topErrors.count >= 5)
        #expect(reports[0] == reports[1])
    }

    /// Turns a current sink database back into what version 1 of the sinks wrote: no sender and
    /// service columns, no v2 migration recorded, the plain `received_at` index.
    func downgradeToVersionOne(_ backend: Backend, url: String) async throws {
        switch backend {
        case .sqlite:
            let session = try SQLiteReportSession(path: String(url.dropFirst("sqlite:".count)), writable: true)
            try await session.executeInTransaction([
                "DROP INDEX message_status_events_window",
                "CREATE INDEX message_status_events_received_at ON message_status_events (received_at)",
                "ALTER TABLE message_status DROP COLUMN sender",
                "ALTER TABLE message_status DROP COLUMN messaging_service_sid",
                "DELETE FROM grdb_migrations WHERE identifier = 'v2_report'",
            ])
            await session.close()
        case .postgres:
            let session = try await PostgresReportSession.connect(url: url, logger: Logger(label: "test"))
            try await session.execute("ALTER TABLE message_status DROP COLUMN sender, DROP COLUMN messaging_service_sid")
            try await session.execute("DELETE FROM schema_migrations WHERE version = 2")
            await session.close()
        }
    }

    @Test("a database of an older version: same figures, --prepare migrates it, the sink keeps writing", arguments: Backend.allCases)
    func olderSchema(backend: Backend) async throws {
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        let url = try sinkURL(backend)
        let sink = try SinkFactory.makeSink(url: url, configuration: SinkFactory.Configuration(), logger: Logger(label: "test"))
        try await sink.start()
        _ = try await ReportFixture(messages: 2_000, start: now - 10 * 3_600_000, spanMilliseconds: 9 * 3_600_000, seed: 9).write(to: sink)
        try await sink.shutdown()
        let configuration = ReportConfiguration(sink: url, since: now - 24 * 3_600_000, bucket: .hour, now: now)
        let current = try await DeliveryReportGenerator.generate(configuration: configuration, logger: Logger(label: "test"))
        #expect(current.totals.messages == 2_000)
        #expect(current.groups.contains { $0.messagingService != "" && $0.sender != "" })

        try await downgradeToVersionOne(backend, url: url)
        let old = try await DeliveryReportGenerator.generate(configuration: configuration, logger: Logger(label: "test"))
        #expect(old == current)

        let outcome = try await DeliveryReportGenerator.prepare(sink: url, logger: Logger(label: "test"))
        #expect(outcome.hasPrefix("migrated"))
        let again = try await DeliveryReportGenerator.prepare(sink: url, logger: Logger(label: "test"))
        #expect(again.hasPrefix("nothing to prepare"))
        let migrated = try await DeliveryReportGenerator.generate(configuration: configuration, logger: Logger(label: "test"))
        #expect(migrated == current)

        let writer = try SinkFactory.makeSink(url: url, configuration: SinkFactory.Configuration(), logger: Logger(label: "test"))
        try await writer.start()
        var offset: Int64 = 1_000_000
        let extra = ReportFixture(messages: 1, start: now - 3_600_000, spanMilliseconds: 1, seed: 10).events(ofMessage: 0, offset: &offset)
        try await writer.write(extra)
        try await writer.shutdown()
        let after = try await DeliveryReportGenerator.generate(configuration: configuration, logger: Logger(label: "test"))
        #expect(after.totals.messages == 2_001)
        #expect(after.totals.events == current.totals.events + extra.count)
    }

    @Test("a database without StatusRelay tables is a clear error")
    func missingTables() async throws {
        let path = (try TestEnvironment.makeTemporaryDirectory("report") as NSString).appendingPathComponent("empty.db")
        FileManager.default.createFile(atPath: path, contents: Data())
        await #expect {
            try await DeliveryReportGenerator.generate(
                configuration: ReportConfiguration(sink: "sqlite:" + path, now: 0), logger: Logger(label: "test")
            )
        } throws: { error in
            (error as? ReportError)?.code == .missingTables
        }
    }
}
