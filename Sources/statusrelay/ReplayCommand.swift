import ArgumentParser
import Consumer
import Foundation
import Logging
import Operations
import StatusRelayCore

/// `statusrelay replay`: backfill sinks from a range of the raw topic.
struct ReplayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Replay a range of the event topic into sinks (backfill), through the consumer's pipeline.",
        discussion: """
            The range is fixed at start (end = the partitions' ends then, or --to), so the replay terminates. \
            It reads with a manual assignment and commits nothing, so it can run next to the live consumer. \
            Sinks write idempotently: replaying twice, or over data the live consumer wrote, changes nothing. \
            Records the live consumer dead-letters (undecodable, key not the messageSid, refused by a sink) go \
            to the same dead-letter topic.

            Positions: an ISO-8601 time (found with offsets-for-times), earliest, latest, or explicit \
            PARTITION:OFFSET pairs such as 0:1234,1:99 (--from: start offsets of the listed partitions only; \
            --to: exclusive end offsets).

            Settings come from flags, then environment variables, then the YAML file given with --config \
            (the consumer's file works: brokers, topic, the reorder settings and the dead-letter topic are the \
            consumer's settings).
            """
    )

    private typealias S = ReplaySettings

    @Option(name: .customLong(S.from.name), help: ArgumentHelp(S.from.help, valueName: "POSITION"))
    var from: String?

    @Option(name: .customLong(S.to.name), help: ArgumentHelp(S.to.help, valueName: "POSITION"))
    var to: String?

    @Option(name: .customLong(S.topic.name), help: ArgumentHelp(S.topic.help, valueName: "NAME"))
    var topic: String?

    @Option(name: .customLong(S.brokers.name), help: ArgumentHelp(S.brokers.help, valueName: "LIST"))
    var brokers: String?

    @Option(name: .customLong(S.sink.name), help: ArgumentHelp(S.sink.help, valueName: "URL"))
    var sinks: [String] = []

    @Option(name: .customLong(S.reorderWindow.name), help: ArgumentHelp(S.reorderWindow.help, valueName: "DURATION"))
    var reorderWindow: String?

    @Option(name: .customLong(S.maxBufferedEvents.name), help: ArgumentHelp(S.maxBufferedEvents.help, valueName: "N"))
    var maxBufferedEvents: String?

    @Option(name: .customLong(S.stateRetention.name), help: ArgumentHelp(S.stateRetention.help, valueName: "DURATION"))
    var stateRetention: String?

    @Option(name: .customLong(S.maxEventTimeAhead.name), help: ArgumentHelp(S.maxEventTimeAhead.help, valueName: "DURATION"))
    var maxEventTimeAhead: String?

    @Option(name: .customLong(S.deadLetterTopic.name), help: ArgumentHelp(S.deadLetterTopic.help, valueName: "NAME"))
    var deadLetterTopic: String?

    @Option(name: .customLong(S.kafkaConfig.name), help: ArgumentHelp(S.kafkaConfig.help, valueName: "KEY=VALUE"))
    var kafkaConfig: [String] = []

    @Flag(help: "Write nothing; report how many messages would change state, with a sample.")
    var dryRun = false

    @Flag(help: "No progress bar on stderr.")
    var noProgress = false

    @Option(help: ArgumentHelp("YAML configuration file (env: STATUSRELAY_CONFIG).", valueName: "FILE"))
    var config: String?

    @Flag(help: "Print the effective configuration (secrets redacted) and exit.")
    var checkConfig = false

    private func flagValues() -> FlagValues {
        var flags = FlagValues()
        flags.set(S.from.name, from)
        flags.set(S.to.name, to)
        flags.set(S.topic.name, topic)
        flags.set(S.brokers.name, brokers)
        flags.set(S.sink.name, sinks)
        flags.set(S.reorderWindow.name, reorderWindow)
        flags.set(S.maxBufferedEvents.name, maxBufferedEvents)
        flags.set(S.stateRetention.name, stateRetention)
        flags.set(S.maxEventTimeAhead.name, maxEventTimeAhead)
        flags.set(S.deadLetterTopic.name, deadLetterTopic)
        flags.set(S.kafkaConfig.name, kafkaConfig)
        return flags
    }

    func run() async throws {
        let configuration: ReplayConfiguration
        var resolver: ConfigurationResolver
        do {
            resolver = ConfigurationResolver(layers: try .process(flags: flagValues(), configFlag: config))
            configuration = try ReplayConfiguration(resolving: &resolver, dryRun: dryRun, showProgress: !noProgress)
        } catch {
            throw ValidationError("\(error)")
        }
        if checkConfig {
            print(resolver.report())
            return
        }
        var logger = Logger(label: "statusrelay.replay")
        logger.logLevel = .warning
        let result: ReplayResult
        do {
            result = try await Replayer(configuration: configuration, logger: logger).run()
        } catch {
            throw CommandFailure("replay failed: \(error)")
        }
        print(ReplayResultRenderer.render(result))
    }
}
