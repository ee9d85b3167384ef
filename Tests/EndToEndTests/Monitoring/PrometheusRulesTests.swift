import Foundation
import Testing
import TestSupport
import Yams

/// The shape of config/prometheus: every alert is annotated, links to an existing README section,
/// and has promtool unit tests that expect it both silent and firing. (promtool itself runs the
/// tests in `make test`, scripts/check-prometheus.sh.)
@Suite("Prometheus rule files")
struct PrometheusRulesTests {
    static func load(_ name: String) throws -> [String: Any] {
        let path = (TestEnvironment.repoRoot as NSString).appendingPathComponent("config/prometheus/\(name)")
        return try #require(try Yams.load(yaml: String(contentsOfFile: path, encoding: .utf8)) as? [String: Any])
    }

    /// GitHub's anchor for a heading: lower-cased, punctuation dropped, spaces to dashes.
    static func anchor(_ heading: Substring) -> String {
        String(heading.lowercased().compactMap { $0 == " " ? "-" : ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") ? $0 : nil })
    }

    @Test func everyAlertIsAnnotatedLinkedAndUnitTested() throws {
        let groups = try #require(try Self.load("statusrelay-rules.yml")["groups"] as? [[String: Any]])
        let alerts = groups.flatMap { ($0["rules"] as? [[String: Any]]) ?? [] }.filter { $0["alert"] != nil }
        #expect(alerts.count >= 11)
        let readme = try String(
            contentsOfFile: (TestEnvironment.repoRoot as NSString).appendingPathComponent("README.md"), encoding: .utf8
        )
        let anchors = Set(readme.split(separator: "\n").compactMap { line in
            line.firstMatch(of: /^#+ (.+)$/).map { Self.anchor($0.1) }
        })
        let tests = try #require(try Self.load("statusrelay-rules.test.yml")["tests"] as? [[String: Any]])
        let cases = tests.flatMap { ($0["alert_rule_test"] as? [[String: Any]]) ?? [] }
        for alert in alerts {
            let name = try #require(alert["alert"] as? String)
            let annotations = (alert["annotations"] as? [String: Any]) ?? [:]
            #expect(!((annotations["summary"] as? String) ?? "").isEmpty, "\(name): no summary")
            #expect(!((annotations["description"] as? String) ?? "").isEmpty, "\(name): no description")
            let runbook = (annotations["runbook_url"] as? String) ?? ""
            #expect(runbook.hasPrefix("README.md#") && anchors.contains(String(runbook.dropFirst("README.md#".count))),
                    "\(name): runbook \(runbook) is not a README section")
            #expect((alert["labels"] as? [String: Any])?["severity"] != nil, "\(name): no severity")
            let own = cases.filter { $0["alertname"] as? String == name }
            #expect(own.contains { (($0["exp_alerts"] as? [Any]) ?? []).isEmpty }, "\(name): no unit test expecting silence")
            #expect(own.contains { !(($0["exp_alerts"] as? [Any]) ?? []).isEmpty }, "\(name): no unit test expecting it to fire")
        }
    }
}
