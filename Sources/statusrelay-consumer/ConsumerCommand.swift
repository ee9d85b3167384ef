import ArgumentParser
import Consumer
import Foundation
import Kafka
import Logging
import StatusRelayCore

/// `statusrelay-consumer`: reorders, deduplicates and writes status events to the sinks.
@main
struct ConsumerCommand: AsyncParsableCommand {
    private typealias S = ConsumerSettings

    static let configuration = CommandConfiguration(
        commandName: "statusrelay-consumer",
        abstract: "Consume normalized Twilio status events, release each message's statuses in lifecycle order exactly once, and write them to the sinks.",
        discussion: """
            Settings come from flags, then environment variables, then the YAML file given with --config \
            (keys are the flag names without dashes, see config/consumer.yaml), then the defaults shown here.
            """,
        version: StatusRelayVersion.line(tool: "statusrelay-consumer")
    )

    @Option(name: .customLong(S.brokers.name), help: ArgumentHelp(S.brokers.help, valueName: "LIST"))
    var brokers: String?
    @Option(name: .customLong(S.topic.name), help: ArgumentHelp(S.topic.help, valueName: "NAME"))
    var topic: String?
    @Option(name: .customLong(S.group.name), help: ArgumentHelp(S.group.help, valueName: "NAME"))
    var group: String?
    @Option(name: .customLong(S.sink.name), help: ArgumentHelp(S.sink.help, valueName: "URL"))
    var sinks: [String] = []
    @Option(name: .customLong(S.reorderWindow.name), help: ArgumentHelp(S.reorderWindow.help, valueName: "DURATION"))
    var reorderWindow: String?
    @Option(name: .customLong(S.maxBufferedEvents.name), help: ArgumentHelp(S.maxBufferedEvents.help, valueName: "N"))
    var maxBufferedEvents: String?
    @Option(name: .customLong(S.maxBatchSize.name), help: ArgumentHelp(S.maxBatchSize.help, valueName: "N"))
    var maxBatchSize: String?
    @Option(name: .customLong(S.tickInterval.name), help: ArgumentHelp(S.tickInterval.help, valueName: "DURATION"))
    var tickInterval: String?
    @Option(name: .customLong(S.stateRetention.name), help: ArgumentHelp(S.stateRetention.help, valueName: "DURATION"))
    var stateRetention: String?
    @Option(name: .customLong(S.maxEventTimeAhead.name), help: ArgumentHelp(S.maxEventTimeAhead.help, valueName: "DURATION"))
    var maxEventTimeAhead: String?
    @Option(name: .customLong(S.commitInterval.name), help: ArgumentHelp(S.commitInterval.help, valueName: "DURATION"))
    var commitInterval: String?
    @Option(name: .customLong(S.stateTopic.name), help: ArgumentHelp(S.stateTopic.help, valueName: "NAME"))
    var stateTopic: String?
    @Option(name: .customLong(S.deadLetterTopic.name), help: ArgumentHelp(S.deadLetterTopic.help, valueName: "NAME"))
    var deadLetterTopic: String?
    @Option(name: .customLong(S.deadLetterMaxBytes.name), help: ArgumentHelp(S.deadLetterMaxBytes.help, valueName: "BYTES"))
    var deadLetterMaxBytes: String?
    @Option(name: .customLong(S.stallTimeout.name), help: ArgumentHelp(S.stallTimeout.help, valueName: "DURATION"))
    var stallTimeout: String?
    @Flag(name: .customLong(S.createTopic.name), help: ArgumentHelp(S.createTopic.help))
    var createTopic = false
    @Option(name: .customLong(S.topicPartitions.name), help: ArgumentHelp(S.topicPartitions.help, valueName: "N"))
    var topicPartitions: String?
    @Option(name: .customLong(S.adminListen.name), help: ArgumentHelp(S.adminListen.help, valueName: "HOST:PORT"))
    var adminListen: String?
    @Option(name: .customLong(S.kafkaConfig.name), help: ArgumentHelp(S.kafkaConfig.help, valueName: "KEY=VALUE"))
    var kafkaConfig: [String] = []
    @Option(name: .customLong(S.shutdownTimeout.name), help: ArgumentHelp(S.shutdownTimeout.help, valueName: "DURATION"))
    var shutdownTimeout: String?
    @Option(
        name: [.customLong(S.forwardAuthToken.name), .customLong("http-sink-auth-token")],
        help: ArgumentHelp(S.forwardAuthToken.help, valueName: "TOKEN")
    )
    var forwardAuthToken: String?
    @Option(name: .customLong(S.forwardAuthToken.fileName), help: ArgumentHelp(S.forwardAuthToken.fileHelp, valueName: "PATH"))
    var forwardAuthTokenFile: String?
    @Option(name: .customLong(S.forwardConcurrency.name), help: ArgumentHelp(S.forwardConcurrency.help, valueName: "N"))
    var forwardConcurrency: String?
    @Option(name: .customLong(S.forwardMaxAttempts.name), help: ArgumentHelp(S.forwardMaxAttempts.help, valueName: "N"))
    var forwardMaxAttempts: String?
    @Option(name: .customLong(S.forwardRequestTimeout.name), help: ArgumentHelp(S.forwardRequestTimeout.help, valueName: "DURATION"))
    var forwardRequestTimeout: String?
    @Option(name: .customLong(S.forwardInitialBackoff.name), help: ArgumentHelp(S.forwardInitialBackoff.help, valueName: "DURATION"))
    var forwardInitialBackoff: String?
    @Option(name: .customLong(S.forwardMaxBackoff.name), help: ArgumentHelp(S.forwardMaxBackoff.help, valueName: "DURATION"))
    var forwardMaxBackoff: String?
    @Option(name: .customLong(S.forwardMaxRetryAfter.name), help: ArgumentHelp(S.forwardMaxRetryAfter.help, valueName: "DURATION"))
    var forwardMaxRetryAfter: String?
    @Option(name: .customLong(S.forwardConnectTimeout.name), help: ArgumentHelp(S.forwardConnectTimeout.help, valueName: "DURATION"))
    var forwardConnectTimeout: String?
    @Option(name: .customLong(S.kafkaSinkConcurrency.name), help: ArgumentHelp(S.kafkaSinkConcurrency.help, valueName: "N"))
    var kafkaSinkConcurrency: String?
    @Option(name: .customLong(S.kafkaSinkPartitions.name), help: ArgumentHelp(S.kafkaSinkPartitions.help, valueName: "N"))
    var kafkaSinkPartitions: String?
    @Option(name: .customLong(S.postgresWriteTimeout.name), help: ArgumentHelp(S.postgresWriteTimeout.help, valueName: "DURATION"))
    var postgresWriteTimeout: String?
    @Option(name: .customLong(S.postgresConnectTimeout.name), help: ArgumentHelp(S.postgresConnectTimeout.help, valueName: "DURATION"))
    var postgresConnectTimeout: String?
    @Option(name: .customLong(S.postgresMaxConnections.name), help: ArgumentHelp(S.postgresMaxConnections.help, valueName: "N"))
    var postgresMaxConnections: String?
    @Option(name: .customLong(S.postgresWriteConcurrency.name), help: ArgumentHelp(S.postgresWriteConcurrency.help, valueName: "N"))
    var postgresWriteConcurrency: String?
    @Option(name: .customLong(S.jsonlFsync.name), help: ArgumentHelp(S.jsonlFsync.help, valueName: "BOOL"))
    var jsonlFsync: String?
    @Option(name: .customLong(S.sqliteSynchronous.name), help: ArgumentHelp(S.sqliteSynchronous.help, valueName: "MODE"))
    var sqliteSynchronous: String?
    @Option(name: .customLong(S.sqliteCheckpointInterval.name), help: ArgumentHelp(S.sqliteCheckpointInterval.help, valueName: "DURATION"))
    var sqliteCheckpointInterval: String?
    @Option(name: .customLong(S.sqliteBusyTimeout.name), help: ArgumentHelp(S.sqliteBusyTimeout.help, valueName: "DURATION"))
    var sqliteBusyTimeout: String?
    @Option(name: .customLong(S.mallocArenaMax.name), help: ArgumentHelp(S.mallocArenaMax.help, valueName: "N"))
    var mallocArenaMax: String?
    @Option(name: .customLong(S.mallocTrimInterval.name), help: ArgumentHelp(S.mallocTrimInterval.help, valueName: "DURATION"))
    var mallocTrimInterval: String?
    @Option(name: .customLong(S.logFormat.name), help: ArgumentHelp(S.logFormat.help, valueName: "FORMAT"))
    var logFormat: String?
    @Option(name: .customLong(S.logLevel.name), help: ArgumentHelp(S.logLevel.help, valueName: "LEVEL"))
    var logLevel: String?
    @Option(help: ArgumentHelp("YAML configuration file (env: STATUSRELAY_CONFIG).", valueName: "FILE"))
    var config: String?
    @Flag(name: .customLong("check-config"), help: "Print the effective configuration (secrets redacted) and exit.")
    var checkConfig = false

    func flagValues() -> FlagValues {
        var flags = FlagValues()
        flags.set(S.brokers.name, brokers)
        flags.set(S.topic.name, topic)
        flags.set(S.group.name, group)
        flags.set(S.sink.name, sinks)
        flags.set(S.reorderWindow.name, reorderWindow)
        flags.set(S.maxBufferedEvents.name, maxBufferedEvents)
        flags.set(S.maxBatchSize.name, maxBatchSize)
        flags.set(S.tickInterval.name, tickInterval)
        flags.set(S.commitInterval.name, commitInterval)
        flags.set(S.stateRetention.name, stateRetention)
        flags.set(S.maxEventTimeAhead.name, maxEventTimeAhead)
        flags.set(S.stateTopic.name, stateTopic)
        flags.set(S.deadLetterTopic.name, deadLetterTopic)
        flags.set(S.deadLetterMaxBytes.name, deadLetterMaxBytes)
        flags.set(S.stallTimeout.name, stallTimeout)
        flags.set(S.createTopic.name, createTopic)
        flags.set(S.topicPartitions.name, topicPartitions)
        flags.set(S.adminListen.name, adminListen)
        flags.set(S.kafkaConfig.name, kafkaConfig)
        flags.set(S.shutdownTimeout.name, shutdownTimeout)
        flags.set(S.forwardAuthToken.name, forwardAuthToken)
        flags.set(S.forwardAuthToken.fileName, forwardAuthTokenFile)
        flags.set(S.forwardConcurrency.name, forwardConcurrency)
        flags.set(S.forwardMaxAttempts.name, forwardMaxAttempts)
        flags.set(S.forwardRequestTimeout.name, forwardRequestTimeout)
        flags.set(S.forwardInitialBackoff.name, forwardInitialBackoff)
        flags.set(S.forwardMaxBackoff.name, forwardMaxBackoff)
        flags.set(S.forwardMaxRetryAfter.name, forwardMaxRetryAfter)
        flags.set(S.forwardConnectTimeout.name, forwardConnectTimeout)
        flags.set(S.kafkaSinkConcurrency.name, kafkaSinkConcurrency)
        flags.set(S.kafkaSinkPartitions.name, kafkaSinkPartitions)
        flags.set(S.postgresWriteTimeout.name, postgresWriteTimeout)
        flags.set(S.postgresConnectTimeout.name, postgresConnectTimeout)
        flags.set(S.postgresMaxConnections.name, postgresMaxConnections)
        flags.set(S.postgresWriteConcurrency.name, postgresWriteConcurrency)
        flags.set(S.jsonlFsync.name, jsonlFsync)
        flags.set(S.sqliteSynchronous.name, sqliteSynchronous)
        flags.set(S.sqliteBusyTimeout.name, sqliteBusyTimeout)
        flags.set(S.sqliteCheckpointInterval.name, sqliteCheckpointInterval)
        flags.set(S.mallocArenaMax.name, mallocArenaMax)
        flags.set(S.mallocTrimInterval.name, mallocTrimInterval)
        flags.set(S.logFormat.name, logFormat)
        flags.set(S.logLevel.name, logLevel)
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
