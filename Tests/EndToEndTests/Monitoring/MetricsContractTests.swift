import Foundation
import Testing
import TestSupport
import Yams

/// What `/metrics` of the real binaries exports agrees with the README and the alert rules: every
/// family has help text, the counters the rules use exist at 0 before any traffic, build info and
/// `process_*` are there, and the README names exactly the exported families.
@Suite("Metrics contract")
struct MetricsContractTests {
    /// Tokens in the README that look like metric names but are not: header names of `<topic>.rejected` records.
    static let notMetrics: Set<String> = ["statusrelay_reason", "statusrelay_rejected_count", "statusrelay_rejections"]

    static func ruleExpressions() throws -> [String] {
        let path = (TestEnvironment.repoRoot as NSString).appendingPathComponent("config/prometheus/statusrelay-rules.yml")
        let document = try #require(try Yams.load(yaml: String(contentsOfFile: path, encoding: .utf8)) as? [String: Any])
        let groups = try #require(document["groups"] as? [[String: Any]])
        return groups.flatMap { ($0["rules"] as? [[String: Any]]) ?? [] }.compactMap { $0["expr"] as? String }
    }

    /// Metric names in `text`, but the reconciler's (`statusrelay_reconcile_*`: another process,
    /// not scraped here).
    static func metricNames(in text: String) -> Set<String> {
        Set(text.matches(of: /\bstatusrelay_[a-z0-9_]+/).map { String($0.0) }.filter { !$0.hasPrefix("statusrelay_reconcile_") })
    }

    @Test func binariesExportWhatTheReadmeAndTheRulesName() async throws {
        let services = try await MonitoredServices.start(brokers: try TestEnvironment.brokers)
        defer {
            services.ingress.kill()
            services.consumer.kill()
        }
        // Before any traffic (checked below, once every family's type is known).
        let ingressAtStart = MetricsExposition(try await services.ingressMetrics())
        let consumerAtStart = MetricsExposition(try await services.consumerMetrics())

        // One callback end to end, so that per-partition gauges exist too.
        let (status, _) = try await services.sendCallback()
        #expect(status == 200)
        try await eventually(timeout: .seconds(90), "the consumer released the callback") {
            let text = try await services.consumerMetrics()
            return (MetricsExposition(text).samples["statusrelay_consumer_released_events_total"] ?? 0) >= 1
                && text.contains("statusrelay_consumer_lag{")
        }
        let ingress = MetricsExposition(try await services.ingressMetrics())
        let consumer = MetricsExposition(try await services.consumerMetrics())

        // Every counter and histogram the rules use had a sample before any traffic (a gauge
        // labelled by partition exists once partitions are assigned).
        for expression in try Self.ruleExpressions() {
            for name in Self.metricNames(in: expression) {
                let (now, atStart) = name.hasPrefix("statusrelay_ingress_") ? (ingress, ingressAtStart) : (consumer, consumerAtStart)
                let family = now.family(of: name)
                #expect(now.types[family] != nil, "\(family), used by the rule \(expression), is not exported")
                guard now.types[family] != "gauge" else { continue }
                #expect(!atStart.samples(of: family).isEmpty, "\(family), used by the rule \(expression), is not exported at start")
            }
        }

        for (service, exposition) in [("ingress", ingress), ("consumer", consumer)] {
            for family in exposition.families {
                #expect(!(exposition.help[family] ?? "").isEmpty, "\(service): \(family) has no # HELP")
            }
            let info = exposition.samples(of: "statusrelay_build_info")
            #expect(info.count == 1, "\(service): \(info)")
            let labels = try #require(info.keys.first)
            #expect(labels.contains(#"service="\#(service)""#) && labels.contains(#"librdkafka="2."#), "\(labels)")
            #expect(labels.contains("version=\"") && labels.contains("malloc=\""), "\(labels)")
            #expect((exposition.samples["process_resident_memory_bytes"] ?? 0) > 1_000_000, "\(service)")
            #expect((exposition.samples["process_cpu_seconds_total"] ?? 0) > 0, "\(service)")
            #expect((exposition.samples["process_open_fds"] ?? 0) > 3, "\(service)")
            #expect((exposition.samples["process_threads"] ?? 0) >= 1, "\(service)")
            let start = exposition.samples["process_start_time_seconds"] ?? 0
            #expect(abs(start - Date().timeIntervalSince1970) < 600, "\(service): start time \(start)")
        }

        // The README names exactly what is exported.
        let exported = ingress.families.union(consumer.families).filter { $0.hasPrefix("statusrelay_") }
        let readme = try String(
            contentsOfFile: (TestEnvironment.repoRoot as NSString).appendingPathComponent("README.md"), encoding: .utf8
        )
        let mentioned = Set(Self.metricNames(in: readme).subtracting(Self.notMetrics).map { name in
            ingress.types[ingress.family(of: name)] != nil ? ingress.family(of: name) : consumer.family(of: name)
        })
        #expect(mentioned.subtracting(exported).sorted() == [], "the README names metrics /metrics does not export")
        let table = Set(readme.split(separator: "\n").compactMap { line in
            line.firstMatch(of: /^\| `(statusrelay_[a-z0-9_]+)`/).map { String($0.1) }
        })
        #expect(exported.subtracting(table).sorted() == [], "exported but missing from the README's metric table")
        #expect(table.subtracting(exported).sorted() == [], "in the README's metric table but not exported")
        await services.stop()
    }
}
