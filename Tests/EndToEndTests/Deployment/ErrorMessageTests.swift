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

/// `--check-config` prints the values a start would use: derived topics and node id, durations in
/// the README's form.
@Suite("--check-config shows the values used")
struct CheckConfigValuesTests {
    /// `value (source)` of the `name = value  (source)` line.
    static func setting(_ name: String, in output: String) -> String? {
        for line in output.split(separator: "\n") {
            let parts = line.split(separator: "=", maxSplits: 1)
            guard parts.count == 2, parts[0].trimmingCharacters(in: .whitespaces) == name,
                let open = parts[1].range(of: "  (", options: .backwards)
            else { continue }
            let value = parts[1][..<open.lowerBound].trimmingCharacters(in: .whitespaces)
            return "\(value) (\(parts[1][open.upperBound...].dropLast()))"
        }
        return nil
    }

    @Test func consumerShowsDerivedTopicsAndDaysAsInTheREADME() async throws {
        let result = try await ConfigCheck.run(
            try ConsumerE2E.binary("statusrelay-consumer"),
            arguments: ["--check-config", "--topic", "orders", "--group", "billing", "--sink", "jsonl:/tmp/x.jsonl"], environment: [:]
        )
        #expect(result.status == 0 && result.output.contains("configuration OK"), "\(result.output)")
        #expect(Self.setting("dead-letter-topic", in: result.output) == "orders.dlq (derived)", "\(result.output)")
        #expect(Self.setting("state-topic", in: result.output) == "orders.state.billing (derived)", "\(result.output)")
        #expect(Self.setting("state-retention", in: result.output) == "7d (default)", "\(result.output)")
        #expect(!result.output.contains("168h"), "\(result.output)")

        let explicit = try await ConfigCheck.run(
            try ConsumerE2E.binary("statusrelay-consumer"),
            arguments: ["--check-config", "--dead-letter-topic", "dl", "--state-retention", "36h", "--sink", "jsonl:/tmp/x.jsonl"],
            environment: [:]
        )
        #expect(Self.setting("dead-letter-topic", in: explicit.output) == "dl (flag)", "\(explicit.output)")
        #expect(Self.setting("state-retention", in: explicit.output) == "36h (flag)", "\(explicit.output)")
    }

    @Test func ingressShowsDerivedDeadLetterTopicAndNodeID() async throws {
        let result = try await ConfigCheck.run(
            try ConsumerE2E.binary("statusrelay-ingress"),
            arguments: ["--check-config", "--auth-token", "t", "--topic", "orders"], environment: [:]
        )
        #expect(result.status == 0 && result.output.contains("configuration OK"), "\(result.output)")
        #expect(Self.setting("dead-letter-topic", in: result.output) == "orders.rejected (derived)", "\(result.output)")
        #expect(Self.setting("node-id", in: result.output) == "\(ProcessInfo.processInfo.hostName) (derived)", "\(result.output)")
    }

    /// Both services find their YAML file as every `statusrelay` command does: `--config`, else
    /// `STATUSRELAY_CONFIG`, where an empty value means no file.
    @Test(arguments: [
        ("statusrelay-consumer", ["--sink", "jsonl:/tmp/x.jsonl"]),
        ("statusrelay-ingress", ["--auth-token", "t"]),
    ])
    func servicesReadTheFileNamedBySTATUSRELAY_CONFIG(executable: String, required: [String]) async throws {
        let directory = try TestEnvironment.makeTemporaryDirectory("config-env")
        let path = (directory as NSString).appendingPathComponent("statusrelay.yaml")
        try "topic: orders\n".write(toFile: path, atomically: true, encoding: .utf8)
        let fromFile = try await ConfigCheck.run(
            try ConsumerE2E.binary(executable), arguments: ["--check-config"] + required, environment: ["STATUSRELAY_CONFIG": path]
        )
        #expect(fromFile.status == 0, "\(fromFile.output)")
        #expect(Self.setting("topic", in: fromFile.output) == "orders (file)", "\(fromFile.output)")

        let empty = try await ConfigCheck.run(
            try ConsumerE2E.binary(executable), arguments: ["--check-config"] + required, environment: ["STATUSRELAY_CONFIG": ""]
        )
        #expect(empty.status == 0 && empty.output.contains("configuration OK"), "\(empty.output)")
        #expect(Self.setting("topic", in: empty.output) == "twilio.message-status (default)", "\(empty.output)")
    }
}

/// Start-up failures that are the environment's, not the configuration's: one line naming the
/// address and what to change, exit 1.
@Suite("Start-up failures name the address")
struct StartupFailureMessageTests {
    /// Holds a listening socket on 127.0.0.1:`port` until killed.
    static func holdPort(_ port: Int) async throws -> ChildProcess {
        let holder = try ChildProcess(
            try TestEnvironment.python,
            arguments: ["-c", "import socket,sys,time\ns=socket.socket()\ns.bind(('127.0.0.1',\(port)))\ns.listen()\nprint('held',flush=True)\ntime.sleep(120)"]
        )
        try await holder.waitForOutput(containing: "held")
        return holder
    }

    @Test func consumerWithItsBrokerDownSaysSoOnceNamingTheAddress() async throws {
        let port = try freePort()
        let started = ContinuousClock.now
        let result = try await ConfigCheck.run(
            try ConsumerE2E.binary("statusrelay-consumer"),
            arguments: ["--brokers", "127.0.0.1:\(port)", "--sink", "jsonl:/tmp/broker-down.jsonl", "--admin-listen", "127.0.0.1:0"],
            environment: [:]
        )
        #expect(result.status == 1, "\(result.output)")
        #expect(result.output.contains("no Kafka broker reachable: tried 127.0.0.1:\(port) (connection refused) for 10s"), "\(result.output)")
        #expect(result.output.contains("--brokers / STATUSRELAY_BROKERS"), "\(result.output)")
        // Not librdkafka's per-client connect failures, not a retriable transport error after 30 s.
        #expect(!result.output.contains("librdkafka.client") && !result.output.contains("retriable"), "\(result.output)")
        #expect(result.output.split(separator: "\n").filter { $0.contains("reachable") }.count == 1, "\(result.output)")
        #expect(ContinuousClock.now - started < .seconds(25))
    }

    @Test func consumerWithABusyAdminPortNamesTheAddressAndTheFlag() async throws {
        let port = try freePort()
        let holder = try await Self.holdPort(port)
        defer { holder.kill() }
        let result = try await ConfigCheck.run(
            try ConsumerE2E.binary("statusrelay-consumer"),
            arguments: [
                "--brokers", try TestEnvironment.brokers, "--topic", TestEnvironment.uniqueName("busy"),
                "--sink", "jsonl:/tmp/busy-port.jsonl", "--admin-listen", "127.0.0.1:\(port)",
            ],
            environment: [:]
        )
        #expect(result.status == 1, "\(result.output)")
        #expect(result.output.contains("cannot listen on 127.0.0.1:\(port): address already in use"), "\(result.output)")
        #expect(result.output.contains("--admin-listen / STATUSRELAY_ADMIN_LISTEN"), "\(result.output)")
        #expect(!result.output.contains("writer_stopped"), "\(result.output)")
    }

    @Test func ingressWithABusyPortNamesTheAddressAndTheFlag() async throws {
        let port = try freePort()
        let holder = try await Self.holdPort(port)
        defer { holder.kill() }
        let directory = try TestEnvironment.makeTemporaryDirectory("busy-ingress")
        let result = try await ConfigCheck.run(
            try ConsumerE2E.binary("statusrelay-ingress"),
            arguments: [
                "--brokers", try TestEnvironment.brokers, "--auth-token", "t", "--listen", "127.0.0.1:\(port)",
                "--spool-dir", (directory as NSString).appendingPathComponent("spool"),
            ],
            environment: [:]
        )
        #expect(result.status == 1, "\(result.output)")
        #expect(result.output.contains("cannot listen on 127.0.0.1:\(port): address already in use"), "\(result.output)")
        #expect(result.output.contains("--listen / STATUSRELAY_LISTEN"), "\(result.output)")
    }
}
