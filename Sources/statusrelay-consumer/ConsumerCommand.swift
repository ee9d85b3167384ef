import ArgumentParser
import Consumer
import Foundation
import Kafka
import Logging
import StatusRelayCore

/// `statusrelay-consumer`: reorders, deduplicates and writes status events to the sinks.
@main
struct ConsumerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "statusrelay-consumer",
        abstract: "Consume normalized Twilio status events, release each message's statuses in lifecycle order exactly once, and write them to the sinks.",
        discussion: """
            Settings come from flags, then environment variables, then the YAML file given with --config \
            (keys are the flag names without dashes, see config/consumer.yaml), then the defaults shown here.
            """,
        version: StatusRelayVersion.line(tool: "statusrelay-consumer")
    )

    @Option(help: ArgumentHelp(ConsumerSettings.brokers.help, valueName: "LIST"))
    var brokers: String?
    @Option(help: ArgumentHelp(ConsumerSettings.topic.help, valueName: "NAME"))
    var topic: String?
    @Option(help: ArgumentHelp(ConsumerSettings.group.help, valueName: "NAME"))
    var group: String?
    @Option(name: .customLong("sink"), help: ArgumentHelp(ConsumerSettings.sink.help, valueName: "URL"))
    var sinks: [String] = []
    @Option(name: .customLong("reorder-window"), help: ArgumentHelp(ConsumerSettings.reorderWindow.help, valueName: "DURATION"))
    var reorderWindow: String?
    @Option(name: .customLong("max-buffered-events"), help: ArgumentHelp(ConsumerSettings.maxBufferedEvents.help, valueName: "N"))
    var maxBufferedEvents: String?
    @Option(name: .customLong("max-batch-size"), help: ArgumentHelp(ConsumerSettings.maxBatchSize.help, valueName: "N"))
    var maxBatchSize: String?
    @Option(name: .customLong("tick-interval"), help: ArgumentHelp(ConsumerSettings.tickInterval.help, valueName: "DURATION"))
    var tickInterval: String?
    @Option(name: .customLong("state-retention"), help: ArgumentHelp(ConsumerSettings.stateRetention.help, valueName: "DURATION"))
    var stateRetention: String?
    @Option(name: .customLong("max-event-time-ahead"), help: ArgumentHelp(ConsumerSettings.maxEventTimeAhead.help, valueName: "DURATION"))
    var maxEventTimeAhead: String?
    @Option(name: .customLong("commit-interval"), help: ArgumentHelp(ConsumerSettings.commitInterval.help, valueName: "DURATION"))
    var commitInterval: String?
    @Option(name: .customLong("state-topic"), help: ArgumentHelp(ConsumerSettings.stateTopic.help, valueName: "NAME"))
    var stateTopic: String?
    @Option(name: .customLong("dead-letter-topic"), help: ArgumentHelp(ConsumerSettings.deadLetterTopic.help, valueName: "NAME"))
    var deadLetterTopic: String?
    @Option(name: .customLong("dead-letter-max-bytes"), help: ArgumentHelp(ConsumerSettings.deadLetterMaxBytes.help, valueName: "BYTES"))
    var deadLetterMaxBytes: String?
    @Option(name: .customLong("stall-timeout"), help: ArgumentHelp(ConsumerSettings.stallTimeout.help, valueName: "DURATION"))
    var stallTimeout: String?
    @Flag(name: .customLong("create-topic"), help: ArgumentHelp(ConsumerSettings.createTopic.help))
    var createTopic = false
    @Option(name: .customLong("topic-partitions"), help: ArgumentHelp(ConsumerSettings.topicPartitions.help, valueName: "N"))
    var topicPartitions: String?
    @Option(name: .customLong("admin-listen"), help: ArgumentHelp(ConsumerSettings.adminListen.help, valueName: "HOST:PORT"))
    var adminListen: String?
    @Option(name: .customLong("kafka-config"), help: ArgumentHelp(ConsumerSettings.kafkaConfig.help, valueName: "KEY=VALUE"))
    var kafkaConfig: [String] = []
    @Option(name: .customLong("shutdown-timeout"), help: ArgumentHelp(ConsumerSettings.shutdownTimeout.help, valueName: "DURATION"))
    var shutdownTimeout: String?
    @Option(
        name: [.customLong("forward-auth-token"), .customLong("http-sink-auth-token")],
        help: ArgumentHelp(ConsumerSettings.forwardAuthToken.help, valueName: "TOKEN")
    )
    var forwardAuthToken: String?
    @Option(name: .customLong("forward-auth-token-file"), help: ArgumentHelp(ConsumerSettings.forwardAuthToken.fileHelp, valueName: "PATH"))
    var forwardAuthTokenFile: String?
    @Option(name: .customLong("forward-concurrency"), help: ArgumentHelp(ConsumerSettings.forwardConcurrency.help, valueName: "N"))
    var forwardConcurrency: String?
    @Option(name: .customLong("forward-max-attempts"), help: ArgumentHelp(ConsumerSettings.forwardMaxAttempts.help, valueName: "N"))
    var forwardMaxAttempts: String?
    @Option(name: .customLong("forward-request-timeout"), help: ArgumentHelp(ConsumerSettings.forwardRequestTimeout.help, valueName: "DURATION"))
    var forwardRequestTimeout: String?
    @Option(name: .customLong("forward-initial-backoff"), help: ArgumentHelp(ConsumerSettings.forwardInitialBackoff.help, valueName: "DURATION"))
    var forwardInitialBackoff: String?
    @Option(name: .customLong("forward-max-backoff"), help: ArgumentHelp(ConsumerSettings.forwardMaxBackoff.help, valueName: "DURATION"))
    var forwardMaxBackoff: String?
    @Option(name: .customLong("forward-max-retry-after"), help: ArgumentHelp(ConsumerSettings.forwardMaxRetryAfter.help, valueName: "DURATION"))
    var forwardMaxRetryAfter: String?
    @Option(name: .customLong("forward-connect-timeout"), help: ArgumentHelp(ConsumerSettings.forwardConnectTimeout.help, valueName: "DURATION"))
    var forwardConnectTimeout: String?
    @Option(name: .customLong("kafka-sink-concurrency"), help: ArgumentHelp(ConsumerSettings.kafkaSinkConcurrency.help, valueName: "N"))
    var kafkaSinkConcurrency: String?
    @Option(name: .customLong("kafka-sink-partitions"), help: ArgumentHelp(ConsumerSettings.kafkaSinkPartitions.help, valueName: "N"))
    var kafkaSinkPartitions: String?
    @Option(name: .customLong("postgres-write-timeout"), help: ArgumentHelp(ConsumerSettings.postgresWriteTimeout.help, valueName: "DURATION"))
    var postgresWriteTimeout: String?
    @Option(name: .customLong("postgres-connect-timeout"), help: ArgumentHelp(ConsumerSettings.postgresConnectTimeout.help, valueName: "DURATION"))
    var postgresConnectTimeout: String?
    @Option(name: .customLong("postgres-max-connections"), help: ArgumentHelp(ConsumerSettings.postgresMaxConnections.help, valueName: "N"))
    var postgresMaxConnections: String?
    @Option(name: .customLong("postgres-write-concurrency"), help: ArgumentHelp(ConsumerSettings.postgresWriteConcurrency.help, valueName: "N"))
    var postgresWriteConcurrency: String?
    @Option(name: .customLong("jsonl-fsync"), help: ArgumentHelp(ConsumerSettings.jsonlFsync.help, valueName: "BOOL"))
    var jsonlFsync: String?
    @Option(name: .customLong("sqlite-synchronous"), help: ArgumentHelp(ConsumerSettings.sqliteSynchronous.help, valueName: "MODE"))
    var sqliteSynchronous: String?
    @Option(name: .customLong("sqlite-checkpoint-interval"), help: ArgumentHelp(ConsumerSettings.sqliteCheckpointInterval.help, valueName: "DURATION"))
    var sqliteCheckpointInterval: String?
    @Option(name: .customLong("sqlite-busy-timeout"), help: ArgumentHelp(ConsumerSettings.sqliteBusyTimeout.help, valueName: "DURATION"))
    var sqliteBusyTimeout: String?
    @Option(name: .customLong("malloc-arena-max"), help: ArgumentHelp(ConsumerSettings.mallocArenaMax.help, valueName: "N"))
    var mallocArenaMax: String?
    @Option(name: .customLong("malloc-trim-interval"), help: ArgumentHelp(ConsumerSettings.mallocTrimInterval.help, valueName: "DURATION"))
    var mallocTrimInterval: String?
    @Option(name: .customLong("log-format"), help: ArgumentHelp(ConsumerSettings.logFormat.help, valueName: "FORMAT"))
    var logFormat: String?
    @Option(name: .customLong("log-level"), help: ArgumentHelp(ConsumerSettings.logLevel.help, valueName: "LEVEL"))
    var logLevel: String?
    @Option(help: ArgumentHelp("YAML configuration file (env: STATUSRELAY_CONFIG).", valueName: "FILE"))
    var config: String?
    @Flag(name: .customLong("check-config"), help: "Print the effective configuration (secrets redacted) and exit.")
    var checkConfig = false

    func flagValues() -> FlagValues {
        var flags = FlagValues()
        flags.set("brokers", brokers)
        flags.set("topic", topic)
        flags.set("group", group)
        flags.set("sink", sinks)
        flags.set("reorder-window", reorderWindow)
        flags.set("max-buffered-events", maxBufferedEvents)
        flags.set("max-batch-size", maxBatchSize)
        flags.set("tick-interval", tickInterval)
        flags.set("commit-interval", commitInterval)
        flags.set("state-retention", stateRetention)
        flags.set("max-event-time-ahead", maxEventTimeAhead)
        flags.set("state-topic", stateTopic)
        flags.set("dead-letter-topic", deadLetterTopic)
        flags.set("dead-letter-max-bytes", deadLetterMaxBytes)
        flags.set("stall-timeout", stallTimeout)
        flags.set("create-topic", createTopic)
        flags.set("topic-partitions", topicPartitions)
        flags.set("admin-listen", adminListen)
        flags.set("kafka-config", kafkaConfig)
        flags.set("shutdown-timeout", shutdownTimeout)
        flags.set("forward-auth-token", forwardAuthToken)
        flags.set("forward-auth-token-file", forwardAuthTokenFile)
        flags.set("forward-concurrency", forwardConcurrency)
        flags.set("forward-max-attempts", forwardMaxAttempts)
        flags.set("forward-request-timeout", forwardRequestTimeout)
        flags.set("forward-initial-backoff", forwardInitialBackoff)
        flags.set("forward-max-backoff", forwardMaxBackoff)
        flags.set("forward-max-retry-after", forwardMaxRetryAfter)
        flags.set("forward-connect-timeout", forwardConnectTimeout)
        flags.set("kafka-sink-concurrency", kafkaSinkConcurrency)
        flags.set("kafka-sink-partitions", kafkaSinkPartitions)
        flags.set("postgres-write-timeout", postgresWriteTimeout)
        flags.set("postgres-connect-timeout", postgresConnectTimeout)
        flags.set("postgres-max-connections", postgresMaxConnections)
        flags.set("postgres-write-concurrency", postgresWriteConcurrency)
        flags.set("jsonl-fsync", jsonlFsync)
        flags.set("sqlite-synchronous", sqliteSynchronous)
        flags.set("sqlite-busy-timeout", sqliteBusyTimeout)
        flags.set("sqlite-checkpoint-interval", sqliteCheckpointInterval)
        flags.set("malloc-arena-max", mallocArenaMax)
        flags.set("malloc-trim-interval", mallocTrimInterval)
        flags.set("log-format", logFormat)
        flags.set("log-level", logLevel)
        return flags
    }

    func run() async throws {
        let configuration: ConsumerConfiguration
        var resolver: ConfigurationResolver
        do {
            resolver = ConfigurationResolver(layers: try ConfigurationLayers.process(flags: flagValues(), configFlag: config))
            configuration = try ConsumerConfiguration(resolving: &resolver)
            try resolver.rejectUnknownFileKeys()
        } catch {
            FileHandle.standardError.write(Data("statusrelay-consumer: configuration error: \(error)\n".utf8))
            throw ExitCode(2)
        }
        if checkConfig {
            print(resolver.report())
            print("configuration OK")
            return
        }
        LoggingBootstrap.bootstrap(format: configuration.logFormat, level: configuration.logLevel)
        var logger = Logger(label: "statusrelay.consumer")
        logger.logLevel = configuration.logLevel
        do {
            try LibrdkafkaVersionGate.check(logger: logger)
        } catch {
            FileHandle.standardError.write(
                Data("statusrelay-consumer: refusing to start: librdkafka \(KafkaLibrary.versionString) is loaded, 2.3 or later is required (\(error))\n".utf8)
            )
            throw ExitCode(1)
        }
        logger.info(
            "starting statusrelay-consumer",
            metadata: [
                "version": "\(StatusRelayCore.StatusRelayVersion.current)", "librdkafka": "\(KafkaLibrary.versionString)",
                "brokers": "\(configuration.brokers.joined(separator: ","))", "topic": "\(configuration.topic)",
                "group": "\(configuration.group)", "state_topic": "\(configuration.stateTopic)",
                "reorder_window": "\(DurationFormat.format(configuration.service.reorder.window))",
            ]
        )
        let adminLogger = logger
        do {
            let group = try await ConsumerApplication.makeServiceGroup(configuration: configuration, logger: logger) { port in
                adminLogger.info("admin server listening", metadata: ["address": "\(configuration.adminListen.host):\(port)"])
            }
            try await group.run()
        } catch {
            // A runtime failure: exit 1 (configuration errors exit 2 above), one line, no usage text
            // (in text format the log line would say the same as the plain line below).
            if configuration.logFormat != .text {
                logger.critical("statusrelay-consumer failed", metadata: ["error": "\(error)"])
            }
            FileHandle.standardError.write(Data("statusrelay-consumer: \(error)\n".utf8))
            throw ExitCode(1)
        }
    }
}
