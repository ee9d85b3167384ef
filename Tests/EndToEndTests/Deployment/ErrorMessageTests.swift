import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import StatusEvents
import Testing
import TestSupport

/// Errors say what to fix: they name the offending value (redacted) and the flag to change.
@Suite("Error messages name what to fix")
struct ErrorMessageTests {
    /// A callback signed for another URL than the ingress verifies (here `localhost` instead of the
    /// public URL `127.0.0.1`) is logged with the URL it was verified against and the flags to check.
    @Test func signatureFailureLogNamesTheSigningURLAndTheFlags() async throws {
        let port = try freePort()
        let directory = try TestEnvironment.makeTemporaryDirectory("signature-hint")
        let ingress = try ChildProcess(
            try ConsumerE2E.binary("statusrelay-ingress"),
            arguments: [
                "--listen", "127.0.0.1:\(port)", "--brokers", try TestEnvironment.brokers, "--auth-token", "hint-token",
                "--topic", TestEnvironment.uniqueName("hint"), "--public-url", "http://127.0.0.1:\(port)",
                "--spool-dir", (directory as NSString).appendingPathComponent("spool"),
            ],
            outputPath: (directory as NSString).appendingPathComponent("ingress.log")
        )
        defer { ingress.kill() }
        try await ingress.waitForOutput(containing: "statusrelay-ingress listening")

        let path = "/twilio/message-status?token=QUERYSECRET9"
        let parameters: [(String, String)] = [("MessageSid", "SM" + String(repeating: "a", count: 32)), ("MessageStatus", "sent")]
        let signature = SignatureVerifier.computeSignature(
            url: "http://localhost:\(port)\(path)", parameters: FormParameters(parameters), secret: "hint-token"
        )
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)\(path)")!)
        request.httpMethod = "POST"
        request.setValue("application/x-www-form-urlencoded", forHTTPHeaderField: "Content-Type")
        request.setValue(signature, forHTTPHeaderField: "X-Twilio-Signature")
        request.httpBody = Data(IngressToSQLiteTests.formEncode(parameters).utf8)
        let (_, response) = try await URLSession.shared.data(for: request)
        #expect((response as? HTTPURLResponse)?.statusCode == 403)

        try await ingress.waitForOutput(containing: "signing_url=")
        let line = try #require(ingress.output().split(separator: "\n").first { $0.contains("signing_url=") })
        #expect(line.contains("signing_url=http://127.0.0.1:\(port)/twilio/message-status?token=<redacted>"), "\(line)")
        #expect(line.contains("--public-url") && line.contains("--trusted-proxy"), "\(line)")
        #expect(line.contains("reason=invalid_signature"), "\(line)")
        #expect(!ingress.output().contains("QUERYSECRET9") && !ingress.output().contains(signature), "\(ingress.output())")
        await ingress.stop()
    }

    /// `--check-config` rejects what a start would, exits 2, and quotes the value (redacted).
    @Test(arguments: [
        (["--sink", "sqlit:/tmp/x.db"], "sqlit:/tmp/x.db"),
        (["--sink", "postgress://relay:PASS9@db/events"], "postgress://<redacted>@db/events"),
        (["--sink", "/var/lib/statusrelay.db"], "/var/lib/statusrelay.db"),
        (["--sink", "postgres://relay:PASS9@db/events?sslmode=bogus"], "postgres://<redacted>@db/events?sslmode=bogus"),
        (["--sink", "http://hooks.example/cb?token=PASS9"], "--forward-auth-token"),
        (["--reorder-window", "abc"], #"reorder-window: expected a duration such as 250ms, 3s or 1m, got "abc""#),
        (["--admin-listen", "nohost"], #"got "nohost""#),
    ])
    func consumerCheckConfigRejectsWhatAStartWouldAndQuotesTheValue(arguments: [String], shown: String) async throws {
        let result = try await ConfigCheck.run(
            try ConsumerE2E.binary("statusrelay-consumer"), arguments: ["--check-config"] + arguments, environment: [:]
        )
        #expect(result.status == 2, "\(result.output)")
        #expect(result.output.contains("configuration error") && result.output.contains(shown), "\(result.output)")
        #expect(!result.output.contains("PASS9") && !result.output.contains("Usage:"), "\(result.output)")
    }

    @Test func consumerCheckConfigSaysOK() async throws {
        let result = try await ConfigCheck.run(
            try ConsumerE2E.binary("statusrelay-consumer"), arguments: ["--check-config", "--sink", "jsonl:/tmp/x.jsonl"], environment: [:]
        )
        #expect(result.status == 0 && result.output.contains("configuration OK"), "\(result.output)")
    }

    @Test func ingressCheckConfigQuotesABadDuration() async throws {
        let result = try await ConfigCheck.run(
            try ConsumerE2E.binary("statusrelay-ingress"),
            arguments: ["--check-config", "--auth-token", "t", "--publish-timeout", "soon"], environment: [:]
        )
        #expect(result.status == 2, "\(result.output)")
        #expect(result.output.contains(#"publish-timeout: expected a duration such as 250ms, 3s or 1m, got "soon""#), "\(result.output)")
    }

    /// A runtime failure of `statusrelay` exits 1 with one error line, not the usage text (64).
    @Test func operatorCommandRuntimeFailureExitsOneWithoutUsage() async throws {
        let report = try await ConfigCheck.run(
            try ConsumerE2E.binary("statusrelay"), arguments: ["report", "--sink", "postgres://relay@127.0.0.1:1/db"], environment: [:]
        )
        #expect(report.status == 1, "\(report.output)")
        #expect(report.output.contains("report failed") && !report.output.contains("Usage:"), "\(report.output)")
    }
}
