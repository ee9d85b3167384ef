import Foundation
import Ingress
import Logging
import StatusRelayCore
import Testing
import TestSupport

@Suite struct ConfigurationTests {
    static let listen = Setting<HostPort>.hostPort("listen", env: "T_LISTEN", default: HostPort(host: "127.0.0.1", port: 8080), "listen")
    static let token = Setting<[String]>.secretList("auth-token", env: "T_TOKEN", "token")

    @Test func precedenceIsFlagsThenEnvironmentThenFileThenDefault() throws {
        let file: [String: ConfigurationValue] = ["listen": .scalar("10.0.0.1:3")]
        let env = ["T_LISTEN": "10.0.0.2:2"]
        let flags: [String: ConfigurationValue] = ["listen": .scalar("10.0.0.3:1")]

        var all = ConfigurationResolver(layers: .init(flags: flags, environment: env, file: file))
        #expect(try all.required(Self.listen) == HostPort(host: "10.0.0.3", port: 1))
        #expect(all.resolved.first?.source == .flag)
        var noFlag = ConfigurationResolver(layers: .init(environment: env, file: file))
        #expect(try noFlag.required(Self.listen) == HostPort(host: "10.0.0.2", port: 2))
        #expect(noFlag.resolved.first?.source == .environment)
        var fileOnly = ConfigurationResolver(layers: .init(file: file))
        #expect(try fileOnly.required(Self.listen) == HostPort(host: "10.0.0.1", port: 3))
        #expect(fileOnly.resolved.first?.source == .file)
        var none = ConfigurationResolver(layers: .init())
        #expect(try none.required(Self.listen) == HostPort(host: "127.0.0.1", port: 8080))
        #expect(none.resolved.first?.source == .default)
    }

    @Test func secretsComeFromFilesAndAreNeverPrinted() throws {
        let directory = try TestEnvironment.makeTemporaryDirectory("secrets")
        let path = "\(directory)/token"
        try "primary-secret,old-secret\n".write(toFile: path, atomically: true, encoding: .utf8)
        var resolver = ConfigurationResolver(layers: .init(environment: ["T_TOKEN_FILE": path]))
        #expect(try resolver.required(Self.token) == ["primary-secret", "old-secret"])
        let report = resolver.report()
        #expect(report.contains("<redacted>"))
        #expect(!report.contains("primary-secret"))

        var missing = ConfigurationResolver(layers: .init(flags: ["auth-token-file": .scalar("\(directory)/nope")]))
        #expect(throws: ConfigurationError.self) { try missing.required(Self.token) }
        #expect("\(Secret("s3cr3t"))" == "<redacted>")
        #expect(String(reflecting: Secret("s3cr3t")) == "<redacted>")
        #expect(!"\([Secret("s3cr3t")])".contains("s3cr3t"))
    }

    @Test func yamlFileLoadsScalarsListsAndMappingsAndRejectsUnknownKeys() throws {
        let values = try ConfigurationFile.parse(yaml: """
            # comment
            listen: 0.0.0.0:9000
            brokers: [a:1, b:2]
            kafka-config:
              session.timeout.ms: 6000
            node-id:
            """)
        #expect(values["listen"] == .scalar("0.0.0.0:9000"))
        #expect(values["brokers"] == .list(["a:1", "b:2"]))
        #expect(values["kafka-config"] == .mapping(["session.timeout.ms": "6000"]))
        #expect(values["node-id"] == nil)

        var resolver = ConfigurationResolver(
            layers: .init(environment: ["TWILIO_AUTH_TOKEN": "x"], file: ["listen": .scalar("1.2.3.4:5"), "lisen": .scalar("typo")])
        )
        #expect(throws: ConfigurationError.self) { _ = try IngressConfiguration(resolving: &resolver) }
        #expect(throws: ConfigurationError.self) { _ = try ConfigurationFile.parse(yaml: "- just\n- a list\n") }
    }

    /// A public URL with credentials (issue 17 §5) comes from the environment or the file, never
    /// a flag (visible in `ps`), and `--check-config` shows it redacted.
    @Test func publicURLWithCredentialsIsRefusedAsAFlag() throws {
        let url = "https://twilio:s3cret@relay.example.com"
        var flag = ConfigurationResolver(layers: .init(flags: ["public-url": .scalar(url)], environment: ["TWILIO_AUTH_TOKEN": "x"]))
        let error = try #require(throws: ConfigurationError.self) { _ = try IngressConfiguration(resolving: &flag) }
        #expect(error.setting == "public-url")
        #expect(error.message.contains("STATUSRELAY_PUBLIC_URL"))
        #expect(!"\(error)".contains("s3cret"))

        var environment = ConfigurationResolver(layers: .init(environment: ["TWILIO_AUTH_TOKEN": "x", "STATUSRELAY_PUBLIC_URL": url]))
        #expect(try IngressConfiguration(resolving: &environment).publicURL == url)
        var file = ConfigurationResolver(layers: .init(environment: ["TWILIO_AUTH_TOKEN": "x"], file: ["public-url": .scalar(url)]))
        #expect(try IngressConfiguration(resolving: &file).publicURL == url)
        for report in [environment.report(), file.report()] {
            #expect(report.contains("https://<redacted>@relay.example.com"))
            #expect(!report.contains("s3cret"))
        }
        // Without credentials a flag is fine.
        var plain = ConfigurationResolver(layers: .init(flags: ["public-url": .scalar("https://relay.example.com")], environment: ["TWILIO_AUTH_TOKEN": "x"]))
        #expect(try IngressConfiguration(resolving: &plain).publicURL == "https://relay.example.com")
    }

    @Test func ingressConfigurationResolvesEverySettingWithDefaults() throws {
        var resolver = ConfigurationResolver(
            layers: .init(
                flags: ["kafka-config": .list(["bootstrap.servers=x:1,y:2", "linger.ms=1"])],
                environment: ["TWILIO_AUTH_TOKEN": "tok", "STATUSRELAY_PUBLISH_TIMEOUT": "250ms", "STATUSRELAY_KAFKA_CONFIG": "ignored=1"]
            )
        )
        let configuration = try IngressConfiguration(resolving: &resolver)
        #expect(configuration.listen == HostPort(host: "127.0.0.1", port: 8080))
        #expect(configuration.brokers == ["127.0.0.1:9092"])
        #expect(configuration.topic == "twilio.message-status")
        #expect(configuration.effectiveDeadLetterTopic == "twilio.message-status.rejected")
        #expect(configuration.publisher.kafkaDeadline == .milliseconds(250))
        #expect(configuration.maxBodySize == 64 * 1024)
        #expect(configuration.kafkaConfig == ["bootstrap.servers": "x:1,y:2", "linger.ms": "1"])
        #expect(configuration.authTokens.map { $0.reveal() } == ["tok"])
        #expect(configuration.maxConcurrentRequests == 0)
        #expect(configuration.maxRequestsPerSecond == 0)
        #expect(configuration.rateLimitBurst == 0)
        #expect(configuration.kafkaLinger == .milliseconds(2))
        #expect(configuration.kafkaCompression == .lz4)

        var limited = ConfigurationResolver(
            layers: .init(
                flags: ["max-requests-per-second": .scalar("250.5")],
                environment: ["TWILIO_AUTH_TOKEN": "tok", "STATUSRELAY_MAX_REQUESTS_PER_SECOND": "1", "STATUSRELAY_RATE_LIMIT_BURST": "40"],
                file: ["rate-limit-burst": .scalar("7"), "kafka-linger": .scalar("0s"), "kafka-compression": .scalar("ZSTD")]
            )
        )
        let limits = try IngressConfiguration(resolving: &limited)
        #expect(limits.kafkaLinger == .zero)
        #expect(limits.kafkaCompression == .zstd)
        #expect(limits.maxRequestsPerSecond == 250.5)
        #expect(limits.rateLimitBurst == 40)

        var badCodec = ConfigurationResolver(
            layers: .init(environment: ["TWILIO_AUTH_TOKEN": "tok", "STATUSRELAY_KAFKA_COMPRESSION": "brotli"])
        )
        #expect(throws: ConfigurationError.self) { _ = try IngressConfiguration(resolving: &badCodec) }

        var noSecret = ConfigurationResolver(layers: .init())
        #expect(throws: ConfigurationError.self) { _ = try IngressConfiguration(resolving: &noSecret) }
    }

    @Test func keyValueListsFromEnvironmentKeepCommasInsideValues() throws {
        let parsed = try KeyValueList.parse(.scalar("session.timeout.ms=6000,bootstrap.servers=a:1,b:2"), setting: "kafka-config")
        #expect(parsed == ["session.timeout.ms": "6000", "bootstrap.servers": "a:1,b:2"])
        #expect(throws: ConfigurationError.self) { try KeyValueList.parse(.list(["novalue"]), setting: "kafka-config") }
    }

    @Test func durationsAndSizesParse() {
        #expect(DurationFormat.parse("3s") == .seconds(3))
        #expect(DurationFormat.parse("250ms") == .milliseconds(250))
        #expect(DurationFormat.parse("1m") == .seconds(60))
        #expect(DurationFormat.parse("1m30s") == .seconds(90))
        #expect(DurationFormat.parse("1.5s") == .milliseconds(1500))
        #expect(DurationFormat.parse("500us") == .microseconds(500))
        #expect(DurationFormat.parse("0") == .zero)
        for bad in ["", "3", "s", "-1s", "3 parsecs", "1h2x"] { #expect(DurationFormat.parse(bad) == nil, "\(bad)") }
        #expect(DurationFormat.format(.milliseconds(250)) == "250ms")
        #expect(DurationFormat.format(.seconds(60)) == "1m")
        #expect(DurationFormat.format(.seconds(7 * 86_400)) == "7d" && DurationFormat.format(.seconds(36 * 3600)) == "36h")
        #expect(ByteSizeFormat.parse("64KiB") == 65536)
        #expect(ByteSizeFormat.parse("1GiB") == 1 << 30)
        #expect(ByteSizeFormat.parse("10MB") == 10_000_000)
        #expect(ByteSizeFormat.parse("12") == 12)
        #expect(ByteSizeFormat.parse("12 parsecs") == nil)
        #expect(HostPort(parsing: "[::1]:8080") == HostPort(host: "::1", port: 8080))
        #expect(HostPort(parsing: ":8080") == HostPort(host: "0.0.0.0", port: 8080))
        #expect(HostPort(parsing: "host:99999") == nil)
    }

    @Test func jsonLogLinesAreValidJSON() throws {
        var line = ""
        JSONString.append("quote \" backslash \\ newline \n control \u{01} unicode é", to: &line)
        let decoded = try JSONSerialization.jsonObject(with: Data("[\(line)]".utf8)) as? [String]
        #expect(decoded == ["quote \" backslash \\ newline \n control \u{01} unicode é"])
    }
}
