import Foundation
import Testing
import TestSupport

/// A CI-sized subset of the reliability suite (`make chaos` runs all of it, longer): each scenario runs
/// the real ingress and consumer against a private Tansu broker, injects its fault under load, and
/// ends with the exact accounting by event id (accepted callbacks ⊆ topic events = sink rows), done by
/// scripts/chaos/chaos.py.
@Suite("Chaos (CI subset)", .serialized)
struct ChaosTests {
    static func run(_ scenario: String, rate: Int = 100, duration: Int = 15) async throws -> [String: Any] {
        // Short: PostgreSQL's socket path under it must stay within 107 bytes.
        let directory = try TestEnvironment.makeTemporaryDirectory("c")
        let summaryPath = (directory as NSString).appendingPathComponent("summary.json")
        let script = (TestEnvironment.repoRoot as NSString).appendingPathComponent("scripts/chaos/chaos.py")
        let run = try ChildProcess(
            try TestEnvironment.python,
            arguments: [
                script, "--scenario", scenario, "--rate", "\(rate)", "--duration", "\(duration)",
                "--bin-dir", try TestEnvironment.binDir, "--tansu", try TestEnvironment.tansuPath,
                "--pg-bin", try TestEnvironment.pgBin, "--workdir", directory, "--json", summaryPath,
            ],
            environment: ["STATUSRELAY_REPO_ROOT": TestEnvironment.repoRoot],
            outputPath: (directory as NSString).appendingPathComponent("chaos.log")
        )
        let status = try await run.waitForExit(timeout: .seconds(600))
        guard let data = FileManager.default.contents(atPath: summaryPath),
            let results = try JSONSerialization.jsonObject(with: data) as? [[String: Any]],
            let result = results.first
        else {
            throw TestEnvironmentError("chaos.py (\(status)) wrote no summary: \(run.output().suffix(3000))")
        }
        let failed = (result["checks"] as? [[String: Any]] ?? []).filter { $0["ok"] as? Bool != true }
        #expect(
            result["passed"] as? Bool == true,
            "\(scenario) failed: \(failed) \(result["error"] ?? "") — log: \(run.output().suffix(3000))"
        )
        #expect((result["accepted"] as? Int ?? 0) > 0, "no callback was accepted")
        return result
    }

    @Test("kill -9 the ingress under load: every 200 is on the topic and in SQLite")
    func ingressKill() async throws {
        _ = try await Self.run("ingress-kill")
    }

    @Test("kill -9 the consumer repeatedly: SQLite ends with exactly the topic's events")
    func consumerKill() async throws {
        _ = try await Self.run("consumer-kill")
    }

    @Test("broker frozen under load: the ingress answers 200 from the spool, nothing lost")
    func brokerFreeze() async throws {
        let result = try await Self.run("broker-freeze", duration: 20)
        #expect((result["answers"] as? [String: Int])?.keys.sorted() == ["200"])
    }

    @Test("hostile records in the topic and a NUL byte through the ingress: stored or dead-lettered, nothing stops")
    func poisonRecords() async throws {
        _ = try await Self.run("poison-records")
    }
}
