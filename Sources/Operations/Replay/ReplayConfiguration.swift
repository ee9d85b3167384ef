package import Consumer
package import StatusRelayCore

/// What `statusrelay replay` reads and where it writes.
package struct ReplayConfiguration: Sendable {
    /// Brokers. Flag `--brokers`, env `STATUSRELAY_BROKERS`; default `127.0.0.1:9092`.
    package var bootstrapServers: [String]
    /// The raw event topic. Flag `--topic`, env `STATUSRELAY_TOPIC`; default `twilio.message-status`.
    package var topic: String
    /// Start. Flag `--from` (required).
    package var from: ReplayPosition
    /// End; nil = each partition's end when the replay starts. Flag `--to`.
    package var to: ReplayPosition?
    /// Sink URLs, as for the consumer (`sqlite:PATH`, `postgres://…`, `kafka:TOPIC`, …). Flag `--sink` (repeatable).
    package var sinks: [String]
    /// Reorder settings; the window should match the live consumer's. Flag `--reorder-window`; default 3 s.
    package var reorder: ReorderConfiguration
    /// Only report what would change. Flag `--dry-run`.
    package var dryRun: Bool
    /// Raw librdkafka properties for the consumer, producer and admin client. Flag `--kafka-config K=V`.
    package var kafkaAdditional: [String: String]
    /// Where records that are not an event of their key, and events a sink refuses for good, go (as
    /// the live consumer's). Default `<topic>.dlq`. Flag `--dead-letter-topic`.
    package var deadLetterTopic: String?
    /// Released events per sink write. Default 2,000.
    package var batchSize: Int
    /// A partition that delivers nothing for this long before reaching its end offset is treated as
    /// finished (its remaining offsets are gaps, e.g. transaction markers). Default 10 s.
    package var idleTimeout: Duration
    /// How many changing messages the dry run lists. Default 20.
    package var dryRunSampleSize: Int
    /// Draw the progress bar on stderr. Default true.
    package var showProgress: Bool

    package init(
        bootstrapServers: [String] = ReplaySettings.brokers.defaultValue ?? [],
        topic: String = ReplaySettings.topic.defaultValue ?? "",
        from: ReplayPosition, to: ReplayPosition? = nil, sinks: [String],
        reorder: ReorderConfiguration = ReorderConfiguration(), dryRun: Bool = false,
        kafkaAdditional: [String: String] = [:], deadLetterTopic: String? = nil, batchSize: Int = 2_000, idleTimeout: Duration = .seconds(10),
        dryRunSampleSize: Int = 20, showProgress: Bool = true
    ) {
        self.bootstrapServers = bootstrapServers
        self.topic = topic
        self.from = from
        self.to = to
        self.sinks = sinks
        self.reorder = reorder
        self.dryRun = dryRun
        self.kafkaAdditional = kafkaAdditional
        self.deadLetterTopic = deadLetterTopic
        self.batchSize = max(1, batchSize)
        self.idleTimeout = idleTimeout
        self.dryRunSampleSize = dryRunSampleSize
        self.showProgress = showProgress
    }

    /// Resolves the settings of ``ReplaySettings`` (flags > env > file > defaults).
    /// - Parameters: `dryRun`, `showProgress`: command-line only.
    package init(resolving resolver: inout ConfigurationResolver, dryRun: Bool, showProgress: Bool) throws(ConfigurationError) {
        typealias S = ReplaySettings
        let fromText = try resolver.required(S.from)
        let from: ReplayPosition
        var to: ReplayPosition?
        do throws(ReplayError) {
            from = try ReplayPosition.parse(fromText)
        } catch {
            throw ConfigurationError(code: .invalidValue, setting: S.from.name, message: error.message)
        }
        if let toText = try resolver.optional(S.to) {
            do throws(ReplayError) {
                to = try ReplayPosition.parse(toText)
            } catch {
                throw ConfigurationError(code: .invalidValue, setting: S.to.name, message: error.message)
            }
        }
        let sinks = try resolver.required(S.sink)
        if sinks.isEmpty { throw ConfigurationError(code: .invalidValue, setting: S.sink.name, message: "at least one sink is needed") }
        self.init(
            bootstrapServers: try resolver.required(S.brokers), topic: try resolver.required(S.topic), from: from, to: to,
            sinks: sinks,
            reorder: ReorderConfiguration(
                window: try resolver.required(S.reorderWindow),
                maxBufferedEvents: try resolver.required(S.maxBufferedEvents),
                stateRetention: try resolver.required(S.stateRetention),
                maxEventTimeAhead: try resolver.required(S.maxEventTimeAhead)
            ),
            dryRun: dryRun, kafkaAdditional: try resolver.required(S.kafkaConfig),
            deadLetterTopic: try resolver.optional(S.deadLetterTopic), showProgress: showProgress
        )
    }
}
