import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing
import TestSupport

/// Secrets in URLs (userinfo, query values) never leave the built binaries: not in start-up logs,
/// `--check-config`, errors that quote a URL, nor `/metrics`. Each check also looks for the redacted
/// form, so a line that simply stopped naming the URL would fail too.
@Suite("URL secrets in the binaries' output")
struct SecretRedactionBinaryTests {
    static let httpSink = "http://relay:HTTPPASS7@127.0.0.1:9/status?token=QUERYTOKEN7&v=2"
    static let httpSinkShown = "http://<redacted>@127.0.0.1:9/status?token=<redacted>&v=<redacted>"
    static let secrets = ["HTTPPASS7", "QUERYTOKEN7", "PGPASS7", "PUBLICPW7"]

    static func expectNoSecret(_ text: String, _ context: String, sourceLocation: SourceLocation = #_sourceLocation) {
        for secret in secrets {
            #expect(!text.contains(secret), "\(context) shows \(secret):\n\(text.suffix(3000))", sourceLocation: sourceLocation)
        }
    }

    /// The test PostgreSQL URL with a password and a private schema (the server trusts local users,
    /// so the password is sent and ignored).
    static func postgresSink() throws -> (url: String, shown: String) {
        let base = try TestEnvironment.postgresURL
        let schema = TestEnvironment.uniqueName("redaction").replacingOccurrences(of: "-", with: "_")
        let url = base.replacingOccurrences(of: "://statusrelay@", with: "://statusrelay:PGPASS7@") + "?schema=\(schema)"
        let shown = base.replacingOccurrences(of: "://statusrelay@", with: "://<redacted>@") + "?schema=\(schema)"
        return (url, shown)
    }

    @Test func consumerStartUpLogsAndMetricsShowSinkURLsRedacted() async throws {
        let topic = try await TestKafka.makeTopic("redaction", partitions: 1)
        let directory = try TestEnvironment.makeTemporaryDirectory("redaction")
        let postgres = try Self.postgresSink()
        let consumer = try ConsumerE2E.launchConsumer(
            topic: topic, group: TestEnvironment.uniqueName("group"), sinks: [Self.httpSink, postgres.url], directory: directory,
            extra: ["--forward-auth-token", "forward-token"]
        )
        defer { consumer.kill() }
        try await consumer.waitForOutput(containing: "admin server listening", timeout: .seconds(60))
        try await consumer.waitForOutput(containing: "PostgreSQL sink ready", timeout: .seconds(60))
        try await consumer.waitForOutput(containing: "HTTP forwarding sink ready", timeout: .seconds(60))
        let output = consumer.output()
        #expect(output.contains(Self.httpSinkShown), "\(output.suffix(3000))")
        #expect(output.contains(postgres.shown), "\(output.suffix(3000))")
        Self.expectNoSecret(output, "consumer log")

        let port = try #require(output.firstMatch(of: /admin server listening address=127\.0\.0\.1:(\d+)/)?.1)
        let (body, _) = try await URLSession.shared.data(from: URL(string: "http://127.0.0.1:\(port)/metrics")!)
        let metrics = String(decoding: body, as: UTF8.self)
        #expect(metrics.contains(#"sink="http""#), "\(metrics.prefix(3000))")
        Self.expectNoSecret(metrics, "consumer /metrics")
        await consumer.stop()
    }

    @Test func consumerCheckConfigShowsSinkURLsRedacted() async throws {
        let postgres = try Self.postgresSink()
        let result = try await ConfigCheck.run(
            try ConsumerE2E.binary("statusrelay-consumer"),
            arguments: ["--check-config", "--forward-auth-token", "t", "--sink", Self.httpSink, "--sink", postgres.url],
            environment: [:]
        )
        #expect(result.status == 0, "\(result.output)")
        #expect(result.output.contains(Self.httpSinkShown), "\(result.output)")
        #expect(result.output.contains(postgres.shown), "\(result.output)")
        Self.expectNoSecret(result.output, "consumer --check-config")
    }

    /// A public URL with credentials comes from the environment (a flag would show in `ps`, and
    /// is refused, naming the URL redacted).
    @Test func ingressCheckConfigShowsThePublicURLRedacted() async throws {
        let result = try await ConfigCheck.run(
            try ConsumerE2E.binary("statusrelay-ingress"),
            arguments: ["--check-config", "--auth-token", "t"],
            environment: ["STATUSRELAY_PUBLIC_URL": "https://user:PUBLICPW7@callbacks.example"]
        )
        #expect(result.status == 0, "\(result.output)")
        #expect(result.output.contains("https://<redacted>@callbacks.example"), "\(result.output)")
        Self.expectNoSecret(result.output, "ingress --check-config")

        let flag = try await ConfigCheck.run(
            try ConsumerE2E.binary("statusrelay-ingress"),
            arguments: ["--check-config", "--public-url", "https://user:PUBLICPW7@callbacks.example", "--auth-token", "t"],
            environment: [:]
        )
        #expect(flag.status == 2, "\(flag.output)")
        #expect(flag.output.contains("https://<redacted>@callbacks.example") && flag.output.contains("STATUSRELAY_PUBLIC_URL"), "\(flag.output)")
        Self.expectNoSecret(flag.output, "ingress --public-url with credentials")
    }

    @Test func ingressStartUpLogNamesThePublicURL() async throws {
        let port = try freePort()
        let directory = try TestEnvironment.makeTemporaryDirectory("redaction-ingress")
        let ingress = try ChildProcess(
            try ConsumerE2E.binary("statusrelay-ingress"),
            arguments: [
                "--listen", "127.0.0.1:\(port)", "--brokers", try TestEnvironment.brokers,
                "--topic", TestEnvironment.uniqueName("redaction"), "--auth-token", "t",
                "--public-url", "https://callbacks.example/base", "--spool-dir", (directory as NSString).appendingPathComponent("spool"),
            ],
            outputPath: (directory as NSString).appendingPathComponent("ingress.log")
        )
        defer { ingress.kill() }
        try await ingress.waitForOutput(containing: "statusrelay-ingress listening")
        #expect(ingress.output().contains("public_url=https://callbacks.example/base"), "\(ingress.output())")
        await ingress.stop()
    }

    /// `statusrelay replay` and `report` quote the sink URL in their errors.
    @Test func operatorCommandErrorsQuoteSinkURLsRedacted() async throws {
        let binary = try ConsumerE2E.binary("statusrelay")
        let topic = try await TestKafka.makeTopic("redaction-replay", partitions: 1)
        // An unknown parameter fails the sink at creation: the error quotes the URL.
        let replay = try await ConfigCheck.run(
            binary,
            arguments: [
                "replay", "--from", "earliest", "--topic", topic, "--brokers", try TestEnvironment.brokers,
                "--sink", "postgres://relay:PGPASS7@127.0.0.1:1/db?bogus=QUERYTOKEN7",
            ],
            environment: [:]
        )
        #expect(replay.status != 0, "\(replay.output)")
        #expect(replay.output.contains("postgres://<redacted>@127.0.0.1:1/db?bogus=<redacted>"), "\(replay.output)")
        Self.expectNoSecret(replay.output, "statusrelay replay")

        let report = try await ConfigCheck.run(
            binary, arguments: ["report", "--sink", "postgres://relay:PGPASS7@127.0.0.1:1/db?sslmode=disable"], environment: [:]
        )
        #expect(report.status != 0, "\(report.output)")
        #expect(report.output.contains("postgres://<redacted>@127.0.0.1:1/db?sslmode=disable"), "\(report.output)")
        Self.expectNoSecret(report.output, "statusrelay report")
    }
}
