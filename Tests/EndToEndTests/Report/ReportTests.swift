import Consumer
import Foundation
import Logging
import Operations
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
        // sent→delivered: M3 1 s, M4 20 s, M1 179 s.
        #expect(totals.latency == LatencyPercentiles(count: 3, p50: 20_000, p90: 179_000, p99: 179_000))
        #expect(totals.carrierLatency == LatencyPercentiles(count: 1, p50: 119_000, p90: 119_000, p99: 119_000))

        #expect(report.periods.map(\.bucket) == [t, t + 3_600_000])
        #expect(report.periods.map(\.stats.messages) == [5, 1])
        #expect(report.periods[0].stats.latency?.count == 3)

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
        #expect(firstGroup.stats.latency == LatencyPercentiles(count: 1, p50: 179_000, p90: 179_000, p99: 179_000))

        #expect(report.topErrors == [
            ErrorCodeCount(code: "30003", messages: 1, meaning: "unreachable destination handset"),
            ErrorCodeCount(code: "30007", messages: 1, meaning: "message filtered (carrier violation)"),
        ])
        #expect(report.stuckCounts == ["sent": 1])
        #expect(report.stuckSample.map(\.messageSid) == [ReportTestData.sid(5)])

        let histogram = report.latencyHistogram
        #expect(histogram.reduce(0) { $0 + $1.count } == 3)
        #expect(histogram.first { $0.lower == 1_000 }?.count == 1)  // 1 s
        #expect(histogram.first { $0.lower == 10_000 }?.count == 1)  // 20 s
        #expect(histogram.first { $0.lower == 120_000 }?.count == 1)  // 179 s

        let text = TerminalReportRenderer.render(report)
        #expect(text.contains("30003  "))
        #expect(text.contains("unreachable destination handset"))
        #expect(text.contains(ReportTestData.sid(5)))
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
        #expect(reports[0].totals.carrierLatency != nil)
        #expect(reports[0] == reports[1])
    }

    @Test("SQLite: the --prepare covering index changes the plan, not the figures")
    func preparedIndex() async throws {
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        let url = try sinkURL(.sqlite)
        let sink = try SinkFactory.makeSink(url: url, configuration: SinkFactory.Configuration(), logger: Logger(label: "test"))
        try await sink.start()
        _ = try await ReportFixture(messages: 2_000, start: now - 10 * 3_600_000, spanMilliseconds: 9 * 3_600_000, seed: 9).write(to: sink)
        let configuration = ReportConfiguration(sink: url, since: now - 24 * 3_600_000, bucket: .hour, now: now)
        let plain = try await DeliveryReportGenerator.generate(configuration: configuration, logger: Logger(label: "test"))
        _ = try await DeliveryReportGenerator.prepare(sink: url, logger: Logger(label: "test"))
        _ = try await DeliveryReportGenerator.prepare(sink: url, logger: Logger(label: "test"))  // idempotent
        let prepared = try await DeliveryReportGenerator.generate(configuration: configuration, logger: Logger(label: "test"))
        #expect(plain.totals.messages == 2_000)
        #expect(prepared == plain)

        // The sink keeps writing with the generated columns and the index in place.
        var offset: Int64 = 1_000_000
        let extra = ReportFixture(messages: 1, start: now - 3_600_000, spanMilliseconds: 1, seed: 10).events(ofMessage: 0, offset: &offset)
        try await sink.write(extra)
        try await sink.shutdown()
        let after = try await DeliveryReportGenerator.generate(configuration: configuration, logger: Logger(label: "test"))
        #expect(after.totals.messages == 2_001)
        #expect(after.totals.events == plain.totals.events + extra.count)
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
