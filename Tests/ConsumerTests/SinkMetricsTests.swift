import Foundation
import Logging
import StatusRelayCore
import Testing
import TestSupport

@testable import Consumer

@Suite("Sink metrics")
struct SinkMetricsTests {
    /// Sinks from the factory record latency, accepted events and errors labelled with the sink name,
    /// in the process's Prometheus registry (the one `/metrics` serves).
    @Test func factorySinksRecordLatencyEventsAndErrors() async throws {
        let registry = MetricsBootstrap.bootstrap(service: "consumer", catalog: ConsumerMetricCatalog.catalog)
        let directory = try TestEnvironment.makeTemporaryDirectory("sink-metrics")
        let path = (directory as NSString).appendingPathComponent("metrics.db")
        let sink = try SinkFactory.makeSink(url: "sqlite:\(path)", configuration: .init(), logger: Logger(label: "test"))
        // A write before start fails and is counted.
        await #expect(throws: SinkError.self) {
            try await sink.write(SinkTestFixtures.released(SinkTestFixtures.messageSid(), ["queued"]))
        }
        try await sink.start()
        try await sink.write(SinkTestFixtures.released(SinkTestFixtures.messageSid(), ["queued", "sent", "delivered"]))
        try await sink.shutdown()

        let text = String(decoding: PrometheusExposition.render(registry), as: UTF8.self)
        let lines = text.split(separator: "\n").map(String.init)
        func value(_ prefix: String) -> Double? {
            lines.first { $0.hasPrefix(prefix) }.flatMap { Double($0.split(separator: " ").last ?? "") }
        }
        #expect((value(#"statusrelay_sink_events_total{sink="sqlite"}"#) ?? 0) >= 3, "\(text)")
        #expect((value(#"statusrelay_sink_write_duration_seconds_count{sink="sqlite"}"#) ?? 0) >= 1)
        #expect(lines.contains { $0.hasPrefix("statusrelay_sink_errors_total") && $0.contains(#"sink="sqlite""#) && $0.contains(#"code="not_started""#) })
        // Codes that never happened are there at 0 (rate() sees the first one), with their help text.
        #expect(value(#"statusrelay_sink_errors_total{sink="sqlite",code="timed_out"}"#) == 0, "\(text)")
        #expect(value(#"statusrelay_sink_dead_lettered_total{sink="sqlite",reason="retries_exhausted"}"#) == 0, "\(text)")
        for family in ["statusrelay_sink_errors_total", "statusrelay_sink_events_total", "statusrelay_sink_write_duration_seconds"] {
            #expect(lines.contains { $0.hasPrefix("# HELP \(family) ") }, "\(family)")
        }
    }
}
