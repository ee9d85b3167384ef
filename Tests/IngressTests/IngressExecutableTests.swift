import Foundation
import StatusEvents
import Testing
import TestSupport

/// The built executables: version gate, --help/--check-config, the example YAML, `statusrelay send`.
@Suite struct IngressExecutableTests {
    static func run(_ tool: String, _ arguments: [String], environment: [String: String] = [:]) async throws -> (ChildProcess.Termination, String) {
        let process = try ChildProcess("\(try TestEnvironment.binDir)/\(tool)", arguments: arguments, environment: environment)
        let status = try await process.waitForExit(timeout: .seconds(60))
        return (status, process.output())
    }

    @Test func versionReportsLibrdkafkaAtLeast2_3() async throws {
        let (status, output) = try await Self.run("statusrelay-ingress", ["--version"])
        #expect(status == .exited(0))
        let version = try #require(output.firstMatch(of: /librdkafka (\d+)\.(\d+)/))
        let major = Int(version.1)!, minor = Int(version.2)!
        #expect(major > 2 || (major == 2 && minor >= 3), "\(output)")
        let (cliStatus, cliOutput) = try await Self.run("statusrelay", ["version"])
        #expect(cliStatus == .exited(0))
        #expect(cliOutput.contains("librdkafka \(major).\(minor)"))
    }

    /// Package.swift links jemalloc into every executable on Linux (unless built with
    /// STATUSRELAY_SYSTEM_MALLOC=1); the version line says which malloc the process resolved.
    @Test(arguments: ["statusrelay-ingress", "statusrelay-consumer", "statusrelay"])
    func executablesAllocateWithJemalloc(tool: String) async throws {
        let (status, output) = try await Self.run(tool, tool == "statusrelay" ? ["version"] : ["--version"])
        #expect(status == .exited(0), "\(output)")
        #if os(Linux)
        let expected = ProcessInfo.processInfo.environment["STATUSRELAY_SYSTEM_MALLOC"] == "1" ? "system" : "jemalloc"
        #else
        let expected = "system"
        #endif
        #expect(output.contains("malloc \(expected)"), "\(output)")
    }

    @Test func checkConfigRedactsSecretsAndRejectsBadValues() async throws {
        let secret = "do-not-print-\(UUID().uuidString)"
        let (status, output) = try await Self.run(
            "statusrelay-ingress", ["--check-config", "--listen", "0.0.0.0:9999", "--shared-key", "KS1=\(secret)"],
            environment: ["TWILIO_AUTH_TOKEN": secret, "STATUSRELAY_TOPIC": "from-env"]
        )
        #expect(status == .exited(0), "\(output)")
        #expect(!output.contains(secret))
        #expect(output.contains("<redacted>"))
        #expect(output.contains("0.0.0.0:9999  (flag)"))
        #expect(output.contains("from-env  (environment)"))

        // No shared key set: `<unset>`, not `<redacted>` (which would suggest one is configured).
        let (unsetStatus, unset) = try await Self.run("statusrelay-ingress", ["--check-config"], environment: ["TWILIO_AUTH_TOKEN": secret])
        #expect(unsetStatus == .exited(0), "\(unset)")
        let sharedKeyLine = unset.split(separator: "\n").first { $0.contains("shared-key") }
        #expect(sharedKeyLine?.contains("<unset>") == true, "\(unset)")

        let (badStatus, badOutput) = try await Self.run(
            "statusrelay-ingress", ["--check-config", "--publish-timeout", "soon"], environment: ["TWILIO_AUTH_TOKEN": secret]
        )
        #expect(badStatus == .exited(2))
        #expect(badOutput.contains("publish-timeout"))
        #expect(!badOutput.contains(secret))
    }

    /// config/ingress.yaml is valid, and documents every option `--help` lists.
    @Test func exampleYAMLCoversEveryOption() async throws {
        let path = "\(TestEnvironment.repoRoot)/config/ingress.yaml"
        let (status, output) = try await Self.run(
            "statusrelay-ingress", ["--config", path, "--check-config"], environment: ["TWILIO_AUTH_TOKEN": "x"]
        )
        #expect(status == .exited(0), "\(output)")
        let yaml = try String(contentsOfFile: path, encoding: .utf8)
        let (_, help) = try await Self.run("statusrelay-ingress", ["--help"])
        let options = Set(help.matches(of: /--([a-z][a-z-]+)/).map { String($0.1) })
            .subtracting(["help", "version", "config", "check-config"])
            .filter { !$0.hasPrefix("no-") }
        #expect(options.count > 30)
        for option in options {
            #expect(yaml.contains("\n\(option):") || yaml.contains("# \(option):"), "\(option) missing from config/ingress.yaml")
            #expect(help.contains("--\(option)"))
        }
        // Every option's help names its environment variable (secret files name theirs too).
        let envCount = help.matches(of: /env:\s+[A-Z_]+/).count
        #expect(envCount >= options.count)
    }

    @Test func sendPostsASignedCallbackThatTheIngressAccepts() async throws {
        let topic = try await TestKafka.makeTopic("send")
        let harness = try await IngressHarness.start(try IngressHarness.configuration(brokers: try TestEnvironment.bootstrapServers, topic: topic))
        let sid = Callback.messageSid()
        let (status, output) = try await Self.run(
            "statusrelay",
            ["send", "--url", harness.formURL, "--auth-token", IngressHarness.authToken, "--sid", sid, "--status", "sent", "--param", "ErrorCode=30003"]
        )
        #expect(status == .exited(0), "\(output)")
        #expect(output.contains("\(sid) 200"))
        let messages = try await TopicReader.waitFor(1, in: topic, brokers: try TestEnvironment.bootstrapServers)
        #expect(messages.first?.key == Array(sid.utf8))

        let (burstStatus, burst) = try await Self.run(
            "statusrelay", ["send", "--url", harness.formURL, "--count", "5", "--quiet"], environment: ["TWILIO_AUTH_TOKEN": IngressHarness.authToken]
        )
        #expect(burstStatus == .exited(0))
        #expect(burst.contains("sent 5: 200: 5"))

        let (wrongStatus, wrong) = try await Self.run("statusrelay", ["send", "--url", harness.formURL, "--auth-token", "wrong"])
        #expect(wrongStatus == .exited(1))
        #expect(wrong.contains("403"))
        try await harness.stop()
    }

    /// A public URL with `user:password@` (issue 17 §5): `send --signing-url` signs over it and
    /// sends its credentials as basic auth, as Twilio's repeat after a 401 does.
    @Test func sendSignsForABasicAuthPublicURL() async throws {
        let topic = try await TestKafka.makeTopic("send-basic-auth")
        let publicURL = "https://twilio:p%40ss@relay.example.com"
        let harness = try await IngressHarness.start(
            try IngressHarness.configuration(brokers: try TestEnvironment.bootstrapServers, topic: topic) { $0.publicURL = publicURL }
        )
        let signingURL = publicURL + harness.configuration.routes.form
        let (status, output) = try await Self.run(
            "statusrelay", ["send", "--url", harness.formURL, "--signing-url", signingURL, "--auth-token", IngressHarness.authToken]
        )
        #expect(status == .exited(0), "\(output)")
        // Without the userinfo in the signed URL: no credentials, 401.
        let (unauthorized, refused) = try await Self.run(
            "statusrelay", ["send", "--url", harness.formURL, "--signing-url", "https://relay.example.com" + harness.configuration.routes.form, "--auth-token", IngressHarness.authToken]
        )
        #expect(unauthorized == .exited(1))
        #expect(refused.contains("401"), "\(refused)")
        _ = try await TopicReader.waitFor(1, in: topic, brokers: try TestEnvironment.bootstrapServers)
        try await harness.stop()
    }

    /// `--param` replaces the default of its name (one value, not two); `--channel whatsapp` sends
    /// From/To as Twilio does, so the normalizer derives the channel from them.
    @Test func sendOverridesDefaultsAndSendsWhatsAppAddresses() async throws {
        let topic = try await TestKafka.makeTopic("send-whatsapp")
        let harness = try await IngressHarness.start(try IngressHarness.configuration(brokers: try TestEnvironment.bootstrapServers, topic: topic))
        let sid = Callback.messageSid()
        let (status, output) = try await Self.run(
            "statusrelay",
            [
                "send", "--url", harness.formURL, "--auth-token", IngressHarness.authToken, "--sid", sid,
                "--param", "ApiVersion=2099-01-01", "--param", "Note=a", "--param", "Note=b",
                "--channel", "whatsapp", "--from", "+15551230000", "--to", "+15559870000",
            ]
        )
        #expect(status == .exited(0), "\(output)")
        let messages = try await TopicReader.waitFor(1, in: topic, brokers: try TestEnvironment.bootstrapServers)
        let event = try StatusEventCodec.decode(try #require(messages.first).value)
        #expect(event.params["ApiVersion"]?.values == ["2099-01-01"])
        #expect(event.params["Note"]?.values == ["a", "b"])
        #expect(event.channel == "whatsapp")
        #expect(event.from == "whatsapp:+15551230000")
        #expect(event.to == "whatsapp:+15559870000")
        try await harness.stop()
    }

    /// A refused connection is one line naming the address, exit 1 (a runtime failure), no usage text.
    @Test func sendReportsARefusedConnectionNamingTheAddress() async throws {
        let (status, output) = try await Self.run(
            "statusrelay", ["send", "--url", "http://127.0.0.1:1/twilio/message-status", "--auth-token", "t", "--count", "3"]
        )
        #expect(status == .exited(1), "\(output)")
        #expect(output.contains("cannot connect to 127.0.0.1:1: connection refused"), "\(output)")
        #expect(output.split(separator: "\n").count == 1, "\(output)")
        #expect(!output.contains("Usage"))
    }
}
