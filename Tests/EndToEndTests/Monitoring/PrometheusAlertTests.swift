import Foundation
import Testing
import TestSupport

/// The project's alert rules on a real Prometheus scraping the real ingress and consumer: a frozen
/// broker makes the spool alert fire, and it resolves once the broker is back.
@Suite("Alerts on a real Prometheus")
struct PrometheusAlertTests {
    @Test func spoolAlertFiresWhileTheBrokerIsFrozenAndResolvesAfter() async throws {
        let broker = try await TestBroker.start()
        defer { broker.process.kill() }
        let services = try await MonitoredServices.start(
            brokers: broker.address, ingressArguments: ["--publish-timeout", "500ms", "--degraded-hold", "1s"]
        )
        defer {
            services.ingress.kill()
            services.consumer.kill()
        }
        // The real rule, with test-sized thresholds: oldest spooled record older than 3 s, for 2 s.
        let rules = try PrometheusServer.rules(overriding: [
            "StatusRelaySpoolNotDraining": (for: "2s", expr: { $0.replacingOccurrences(of: "> 300", with: "> 3") })
        ])
        #expect(rules.contains("statusrelay_ingress_spool_oldest_age_seconds > 3"), "\(rules)")
        let prometheus = try await PrometheusServer.start(
            jobs: [
                "statusrelay-ingress": "127.0.0.1:\(services.ingressPort)",
                "statusrelay-consumer": "127.0.0.1:\(services.consumerPort)",
            ],
            rules: rules
        )
        defer { prometheus.process.kill() }
        try await eventually(timeout: .seconds(60), "both targets up") {
            try await prometheus.targets() == ["statusrelay-ingress": "up", "statusrelay-consumer": "up"]
        }
        try await eventually(timeout: .seconds(90), "callbacks reach Kafka directly") {
            try await services.sendCallback() == (200, "kafka")
        }
        #expect(try await prometheus.alerts()["StatusRelaySpoolNotDraining"] == nil)

        await broker.pause()
        for _ in 0..<3 {
            let (status, durable) = try await services.sendCallback()
            #expect(status == 200 && durable == "spool", "\(status) \(durable)")
        }
        var seen: Set<String> = []
        try await eventually(timeout: .seconds(60), "spool alert firing") {
            if let state = try await prometheus.alerts()["StatusRelaySpoolNotDraining"] { seen.insert(state) }
            return seen.contains("firing")
        }
        #expect(seen.contains("pending") || seen.contains("firing"))

        broker.resume()
        try await eventually(timeout: .seconds(90), "spool alert resolved") {
            try await prometheus.alerts()["StatusRelaySpoolNotDraining"] == nil
        }
        let metrics = MetricsExposition(try await services.ingressMetrics())
        #expect(metrics.samples["statusrelay_ingress_spool_records"] == 0)
        #expect((metrics.samples["statusrelay_ingress_spool_drained_total"] ?? 0) >= 3)

        await prometheus.stop()
        await services.stop()
        await broker.stop()
    }
}
