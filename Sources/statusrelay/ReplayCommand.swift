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
        abstract: "Replay a range of the event topic into sinks (backfill), through the consumer's reorder and dedupe.",
        discussion: """
            The range is fixed at start (end = the partitions' ends then, or --to), so the replay terminates. \
            It reads with a manual assignment and commits nothing, so it can run next to the live consumer. \
            Sinks write idempotently: replaying twice, or over data the live consumer wrote, changes nothing.

            Positions: an ISO-8601 time (found with offsets-for-times), earliest, latest, or explicit \
            PARTITION:OFFSET pairs such as 0:1234,1:99 (--from: start offsets of the listed partitions only; \
            --to: exclusive end offsets).
            """
    )

    @Option(help: "Start: ISO-8601 time, earliest, or PARTITION:OFFSET[,…].")
    var from: String

    @Option(help: "End (exclusive): ISO-8601 time, latest, or PARTITION:OFFSET[,…]. Default: the ends at start.")
    var to: String?

    @Option(help: "The raw event topic (env STATUSRELAY_TOPIC; default twilio.message-status).")
    var topic: String?

    @Option(help: "Bootstrap brokers, comma-separated (env STATUSRELAY_BROKERS; default 127.0.0.1:9092).")
    var brokers: String?

    @Option(name: .customLong("sink"), help: "Sink URL (repeatable): sqlite:PATH, postgres://…, kafka:TOPIC, jsonl:PATH, http(s)://…, stdout.")
    var sinks: [String] = []

    @Option(help: "Reorder window; use the live consumer's (env STATUSRELAY_REORDER_WINDOW; default 3s).")
    var reorderWindow: String?

    @Flag(help: "Write nothing; report how many messages would change state, with a sample.")
    var dryRun = false

    @Option(name: .customLong("kafka-config"), help: "Raw librdkafka property KEY=VALUE (repeatable).")
    var kafkaConfig: [String] = []

    @Flag(help: "No progress bar on stderr.")
    var noProgress = false

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        var logger = Logger(label: "statusrelay.replay")
        logger.logLevel = .warning
        let fromPosition: ReplayPosition
        var toPosition: ReplayPosition?
        do {
            fromPosition = try ReplayPosition.parse(from)
            toPosition = try to.map { text throws(ReplayError) in try ReplayPosition.parse(text) }
        } catch {
            throw ValidationError(error.message)
        }
        guard !sinks.isEmpty else { throw ValidationError("at least one --sink is needed") }
        let windowText = reorderWindow ?? environment["STATUSRELAY_REORDER_WINDOW"] ?? "3s"
        guard let window = DurationFormat.parse(windowText) else {
            throw ValidationError("--reorder-window: expected a duration like 3s, got \"\(windowText)\"")
        }
        var additional: [String: String] = [:]
        for pair in kafkaConfig {
            guard let equals = pair.firstIndex(of: "="), equals != pair.startIndex else {
                throw ValidationError("--kafka-config expects KEY=VALUE")
            }
            additional[String(pair[..<equals])] = String(pair[pair.index(after: equals)...])
        }
        let brokerList = (brokers ?? environment["STATUSRELAY_BROKERS"] ?? "127.0.0.1:9092")
            .split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        let configuration = ReplayConfiguration(
            bootstrapServers: brokerList,
            topic: topic ?? environment["STATUSRELAY_TOPIC"] ?? "twilio.message-status",
            from: fromPosition, to: toPosition, sinks: sinks,
            reorder: ReorderConfiguration(window: window), dryRun: dryRun, kafkaAdditional: additional,
            showProgress: !noProgress
        )
        let result: ReplayResult
        do {
            result = try await Replayer(configuration: configuration, logger: logger).run()
        } catch {
            throw CommandFailure("replay failed: \(error)")
        }
        print(ReplayResultRenderer.render(result))
    }
}
