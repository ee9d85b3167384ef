import Foundation
import TestSupport
import Yams

/// A real Prometheus (Debian's `prometheus`) scraping given targets every second with the project's
/// rules, for tests. Alert state comes from its HTTP API.
struct PrometheusServer {
    let process: ChildProcess
    let port: Int

    /// The project's rule file with some alerts' `for` and expression replaced (test-sized waits).
    static func rules(overriding overrides: [String: (for: String, expr: (String) -> String)]) throws -> String {
        let path = (TestEnvironment.repoRoot as NSString).appendingPathComponent("config/prometheus/statusrelay-rules.yml")
        guard var document = try Yams.load(yaml: String(contentsOfFile: path, encoding: .utf8)) as? [String: Any],
            var groups = document["groups"] as? [[String: Any]]
        else { throw TestEnvironmentError("cannot read \(path)") }
        for index in groups.indices {
            guard var rules = groups[index]["rules"] as? [[String: Any]] else { continue }
            for ruleIndex in rules.indices {
                guard let name = rules[ruleIndex]["alert"] as? String, let override = overrides[name],
                    let expression = rules[ruleIndex]["expr"] as? String
                else { continue }
                rules[ruleIndex]["for"] = override.for
                rules[ruleIndex]["expr"] = override.expr(expression)
            }
            groups[index]["rules"] = rules
        }
        document["groups"] = groups
        return try Yams.dump(object: document)
    }

    /// Starts Prometheus on a free port: `jobs` maps job names to `host:port` targets.
    static func start(jobs: [String: String], rules: String) async throws -> PrometheusServer {
        let directory = try TestEnvironment.makeTemporaryDirectory("prometheus")
        let rulesPath = (directory as NSString).appendingPathComponent("rules.yml")
        try rules.write(toFile: rulesPath, atomically: true, encoding: .utf8)
        var configuration = """
            global:
              scrape_interval: 1s
              evaluation_interval: 1s
            rule_files: ["\(rulesPath)"]
            scrape_configs:

            """
        for (job, target) in jobs.sorted(by: { $0.key < $1.key }) {
            configuration += """
                  - job_name: \(job)
                    scrape_timeout: 1s
                    static_configs: [{targets: ["\(target)"]}]

                """
        }
        let configurationPath = (directory as NSString).appendingPathComponent("prometheus.yml")
        try configuration.write(toFile: configurationPath, atomically: true, encoding: .utf8)
        let port = try freePort()
        let process = try ChildProcess(
            "/usr/bin/prometheus",
            arguments: [
                "--config.file=\(configurationPath)", "--storage.tsdb.path=\((directory as NSString).appendingPathComponent("data"))",
                "--web.listen-address=127.0.0.1:\(port)", "--log.level=warn",
            ],
            outputPath: (directory as NSString).appendingPathComponent("prometheus.log")
        )
        let server = PrometheusServer(process: process, port: port)
        try await eventually(timeout: .seconds(60), "prometheus ready") {
            if let status = process.exitStatus { throw TestEnvironmentError("prometheus exited (\(status)): \(process.output())") }
            return (try? await MonitoredServices.get("http://127.0.0.1:\(port)/-/ready").0) == 200
        }
        return server
    }

    func api(_ path: String) async throws -> [String: Any] {
        let (_, body) = try await MonitoredServices.get("http://127.0.0.1:\(port)/api/v1/\(path)")
        guard let object = try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any],
            object["status"] as? String == "success", let data = object["data"] as? [String: Any]
        else { throw TestEnvironmentError("prometheus /api/v1/\(path): \(body)") }
        return data
    }

    /// Active alerts: name -> state (`pending` or `firing`).
    func alerts() async throws -> [String: String] {
        let alerts = (try await api("alerts")["alerts"] as? [[String: Any]]) ?? []
        var states: [String: String] = [:]
        for alert in alerts {
            if let name = (alert["labels"] as? [String: Any])?["alertname"] as? String, let state = alert["state"] as? String {
                states[name] = state
            }
        }
        return states
    }

    /// Health of each scrape target by job (`up`, `down`, `unknown`).
    func targets() async throws -> [String: String] {
        let active = (try await api("targets")["activeTargets"] as? [[String: Any]]) ?? []
        var health: [String: String] = [:]
        for target in active {
            if let job = (target["labels"] as? [String: Any])?["job"] as? String { health[job] = target["health"] as? String }
        }
        return health
    }

    func stop() async {
        await process.stop(grace: .seconds(5))
    }
}
