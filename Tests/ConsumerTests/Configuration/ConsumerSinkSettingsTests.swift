import Consumer
import StatusRelayCore
import Testing

/// The sink settings the documentation promises as flags, env vars and YAML keys reach the sinks.
@Suite struct ConsumerSinkSettingsTests {
    @Test func defaultsAreTheSinksOwnDefaults() throws {
        var resolver = ConfigurationResolver(layers: .init())
        let settings = try ConsumerConfiguration(resolving: &resolver).sinkSettings
        let defaults = SinkFactory.Configuration()
        #expect(settings.sqlite.synchronous == defaults.sqlite.synchronous)
        #expect(settings.sqlite.busyTimeout == defaults.sqlite.busyTimeout)
        #expect(settings.jsonl.fsync == defaults.jsonl.fsync)
        #expect(settings.postgres.writeTimeout == defaults.postgres.writeTimeout)
        #expect(settings.postgres.connectTimeout == defaults.postgres.connectTimeout)
        #expect(settings.postgres.maximumConnections == defaults.postgres.maximumConnections)
        #expect(settings.postgres.writeConcurrency == defaults.postgres.writeConcurrency)
        #expect(settings.http.initialBackoff == defaults.http.initialBackoff)
        #expect(settings.http.maxBackoff == defaults.http.maxBackoff)
        #expect(settings.http.maxRetryAfter == defaults.http.maxRetryAfter)
        #expect(settings.http.connectTimeout == defaults.http.connectTimeout)
        #expect(settings.kafka.maxConcurrency == defaults.kafka.maxConcurrency)
        #expect(settings.kafka.partitions == defaults.kafka.partitions)
    }

    @Test func flagsEnvironmentAndFileReachEverySink() throws {
        var resolver = ConfigurationResolver(
            layers: .init(
                flags: [
                    "forward-max-backoff": .scalar("5s"), "sqlite-busy-timeout": .scalar("250ms"),
                    "postgres-write-concurrency": .scalar("3"),
                ],
                environment: [
                    "STATUSRELAY_SQLITE_SYNCHRONOUS": "normal", "STATUSRELAY_JSONL_FSYNC": "false",
                    "STATUSRELAY_POSTGRES_MAX_CONNECTIONS": "9", "STATUSRELAY_POSTGRES_WRITE_TIMEOUT": "40s",
                    "STATUSRELAY_FORWARD_INITIAL_BACKOFF": "100ms", "STATUSRELAY_KAFKA_SINK_CONCURRENCY": "64",
                ],
                file: [
                    "kafka-sink-partitions": .scalar("3"), "forward-max-retry-after": .scalar("2m"),
                    "forward-connect-timeout": .scalar("1s"), "postgres-connect-timeout": .scalar("2s"),
                ]
            )
        )
        let settings = try ConsumerConfiguration(resolving: &resolver).sinkSettings
        try resolver.rejectUnknownFileKeys()
        #expect(settings.sqlite.synchronous == .normal)
        #expect(settings.sqlite.busyTimeout == .milliseconds(250))
        #expect(settings.jsonl.fsync == false)
        #expect(settings.postgres.maximumConnections == 9)
        #expect(settings.postgres.writeConcurrency == 3)
        #expect(settings.postgres.writeTimeout == .seconds(40))
        #expect(settings.postgres.connectTimeout == .seconds(2))
        #expect(settings.http.initialBackoff == .milliseconds(100))
        #expect(settings.http.maxBackoff == .seconds(5))
        #expect(settings.http.maxRetryAfter == .seconds(120))
        #expect(settings.http.connectTimeout == .seconds(1))
        #expect(settings.kafka.maxConcurrency == 64)
        #expect(settings.kafka.partitions == 3)
    }

    @Test func invalidValuesNameTheSetting() {
        for (variable, setting) in [
            ("STATUSRELAY_SQLITE_SYNCHRONOUS", "sqlite-synchronous"), ("STATUSRELAY_JSONL_FSYNC", "jsonl-fsync"),
            ("STATUSRELAY_POSTGRES_MAX_CONNECTIONS", "postgres-max-connections"),
            ("STATUSRELAY_POSTGRES_WRITE_CONCURRENCY", "postgres-write-concurrency"),
            ("STATUSRELAY_FORWARD_CONNECT_TIMEOUT", "forward-connect-timeout"),
        ] {
            var resolver = ConfigurationResolver(layers: .init(environment: [variable: "sometimes"]))
            #expect(performing: { _ = try ConsumerConfiguration(resolving: &resolver) }, throws: { error in
                (error as? ConfigurationError)?.setting == setting
            })
        }
        var zero = ConfigurationResolver(layers: .init(environment: ["STATUSRELAY_POSTGRES_WRITE_TIMEOUT": "0s"]))
        #expect(throws: ConfigurationError.self) { _ = try ConsumerConfiguration(resolving: &zero) }
    }
}
