import Foundation
import Testing
import TestSupport

/// Hostile input against a real statusrelay-ingress (real sockets, the shared Tansu broker): the
/// generator in scripts/fuzz/fuzz_ingress.py sends random bytes, truncated and huge bodies, broken
/// percent-encoding, invalid UTF-8, header floods, slow-loris connections and signature bypass attempts
/// (each first rejected by the official twilio RequestValidator), mixed with valid signed callbacks.
/// It exits non-zero when any answer is outside the specified set, the ingress dies or /healthz fails,
/// or the topic holds anything but the valid callbacks that got 200 (or misses one of them).
/// The full 100,000-request run is `scripts/fuzz/run.sh`; CI sends a few thousand.
@Suite("Hostile input", .serialized)
struct HostileInputTests {
    static let token = "hostile" + String(repeating: "7", count: 25)

    struct Ingress {
        var process: ChildProcess
        var port: Int
        var topic: String
    }

    static func startIngress(_ extra: [String] = []) async throws -> Ingress {
        let port = try freePort()
        let topic = TestEnvironment.uniqueName("hostile")
        let directory = try TestEnvironment.makeTemporaryDirectory("hostile-ingress")
        let process = try ChildProcess(
            (try TestEnvironment.binDir as NSString).appendingPathComponent("statusrelay-ingress"),
            arguments: [
                "--listen", "127.0.0.1:\(port)", "--brokers", try TestEnvironment.brokers, "--topic", topic,
                "--create-topic", "--spool-dir", (directory as NSString).appendingPathComponent("spool"),
                "--request-timeout", "3s", "--log-level", "warning",
            ] + extra,
            environment: ["TWILIO_AUTH_TOKEN": token],
            outputPath: (directory as NSString).appendingPathComponent("ingress.log")
        )
        try await eventually(timeout: .seconds(60), "ingress listening on \(port)") {
            if let status = process.exitStatus {
                throw TestEnvironmentError("ingress exited (\(status)): \(process.output().suffix(2000))")
            }
            return isListening(port: port)
        }
        return Ingress(process: process, port: port, topic: topic)
    }

    /// Runs the fuzzer; returns its exit code and JSON summary.
    static func fuzz(_ ingress: Ingress, _ arguments: [String]) async throws -> (Int32, [String: Any]) {
        let directory = try TestEnvironment.makeTemporaryDirectory("fuzz")
        let summaryPath = (directory as NSString).appendingPathComponent("summary.json")
        let script = (TestEnvironment.repoRoot as NSString).appendingPathComponent("scripts/fuzz/fuzz_ingress.py")
        let run = try ChildProcess(
            try TestEnvironment.python,
            arguments: [
                script, "--url", "http://127.0.0.1:\(ingress.port)", "--token", token,
                "--pid", "\(ingress.process.pid)", "--brokers", try TestEnvironment.brokers, "--topic", ingress.topic,
                "--json", summaryPath,
            ] + arguments,
            outputPath: (directory as NSString).appendingPathComponent("fuzz.log")
        )
        let status = try await run.waitForExit(timeout: .seconds(600))
        guard case .exited(let code) = status else {
            throw TestEnvironmentError("fuzzer ended by \(status): \(run.output().suffix(3000))")
        }
        guard let data = FileManager.default.contents(atPath: summaryPath),
            let summary = try JSONSerialization.jsonObject(with: data) as? [String: Any]
        else {
            throw TestEnvironmentError("fuzzer wrote no summary (exit \(code)): \(run.output().suffix(3000))")
        }
        return (code, summary)
    }

    static func outcomes(_ summary: [String: Any]) -> [String: [String: Int]] {
        (summary["outcomes"] as? [String: [String: Int]]) ?? [:]
    }

    @Test("Generated hostile requests get only the specified answers; nothing invalid reaches the topic")
    func generatedRequests() async throws {
        let ingress = try await Self.startIngress()
        defer { ingress.process.kill() }
        let (code, summary) = try await Self.fuzz(
            ingress, ["--count", "4000", "--concurrency", "8", "--slowloris", "10", "--slowloris-deadline", "30"]
        )
        let violations = summary["violations"].map { "\($0)" } ?? "none"
        #expect(code == 0, "fuzzer found violations: \(violations)")
        #expect(summary["violation_count"] as? Int == 0, "\(violations)")
        #expect(summary["alive"] as? Bool == true)
        #expect(summary["healthz"] as? Int == 200)
        let topic = summary["topic"] as? [String: Any]
        #expect(topic?["invalid_count"] as? Int == 0, "\(topic ?? [:])")
        #expect(topic?["missing_count"] as? Int == 0, "\(topic ?? [:])")
        // The run must actually have exercised both sides.
        let accepted = summary["accepted_valid"] as? Int ?? 0
        #expect(accepted > 100)
        let seen = Self.outcomes(summary)
        for family in ["random_bytes", "invalid_utf8", "broken_percent_encoding", "truncated_body", "bypass_"] {
            #expect(seen.keys.contains { $0.hasPrefix(family) }, "no \(family) case was sent")
        }
        #expect(ingress.process.isRunning, "ingress died: \(ingress.process.output().suffix(2000))")
        await ingress.process.stop()
    }

    @Test("Signature bypass attempts are all rejected with 403 when a public URL is configured")
    func signatureBypass() async throws {
        let publicURL = "https://relay.example.com"
        let ingress = try await Self.startIngress(["--public-url", publicURL])
        defer { ingress.process.kill() }
        let (code, summary) = try await Self.fuzz(
            ingress,
            ["--public-url", publicURL, "--cases", "valid,bypass_", "--count", "1500", "--slowloris", "0"]
        )
        #expect(code == 0, "\(summary["violations"].map { "\($0)" } ?? "none")")
        let seen = Self.outcomes(summary)
        let bypassCases = seen.filter { $0.key.hasPrefix("bypass_") }
        #expect(bypassCases.count >= 9, "bypass cases sent: \(bypassCases.keys.sorted())")
        for (name, answers) in bypassCases {
            #expect(Set(answers.keys) == ["403"], "\(name) got \(answers)")
        }
        #expect(seen["valid"].map { Set($0.keys) } == Set(["200"]), "valid callbacks got \(seen["valid"] ?? [:])")
        let topic = summary["topic"] as? [String: Any]
        #expect(topic?["invalid_count"] as? Int == 0)
        #expect(topic?["missing_count"] as? Int == 0)
        await ingress.process.stop()
    }
}
