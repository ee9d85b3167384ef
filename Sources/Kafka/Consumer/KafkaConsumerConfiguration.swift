/// Settings for ``KafkaConsumer``. Offsets are never committed or stored automatically
/// (`enable.auto.commit=false`, `enable.auto.offset.store=false`): callers commit what they processed.
public struct KafkaConsumerConfiguration: Sendable {
    /// Brokers to bootstrap from (`bootstrap.servers`). Default `["127.0.0.1:9092"]`.
    /// Executables: `--brokers` / `STATUSRELAY_BROKERS`.
    public var bootstrapServers: [String]
    /// Consumer group (`group.id`). Default `"statusrelay"`. Executables: `--group` / `STATUSRELAY_GROUP`.
    /// In manual-assignment mode an empty value means a random, throw-away group id.
    public var groupID: String
    /// Topics to subscribe to (group mode). Ignored in manual-assignment mode.
    public var topics: [String]
    /// Where to start when the group has no committed offset (`auto.offset.reset`). Default ``AutoOffsetReset/earliest``.
    public var autoOffsetReset: AutoOffsetReset
    /// `session.timeout.ms`: how long the group coordinator waits for heartbeats. Default 45 s.
    public var sessionTimeout: Duration
    /// `max.poll.interval.ms`: the consumer leaves the group when not polled for this long. The poll thread
    /// keeps polling under backpressure (it pauses fetching instead), so only a stuck process hits it. Default 300 s.
    public var maxPollInterval: Duration
    /// `client.id`. Default `"statusrelay"`.
    public var clientID: String
    /// Records buffered between the poll thread and ``KafkaConsumer/messages``. When they reach it the poll
    /// thread takes no more (librdkafka's own pre-fetch, bounded by `queued.max.messages.kbytes`, goes
    /// on) until the reader drained half; at twice it, with the reader stopped, fetching is paused.
    /// Default 1000.
    public var maxBufferedMessages: Int
    /// Raw librdkafka properties, applied last. Executables: `--kafka-config KEY=VALUE` / `STATUSRELAY_KAFKA_CONFIG`.
    /// Values of secret-looking keys are never logged.
    public var additional: [String: String]

    public init(
        bootstrapServers: [String] = ["127.0.0.1:9092"],
        groupID: String = "statusrelay",
        topics: [String] = [],
        autoOffsetReset: AutoOffsetReset = .earliest,
        sessionTimeout: Duration = .seconds(45),
        maxPollInterval: Duration = .seconds(300),
        clientID: String = "statusrelay",
        maxBufferedMessages: Int = 1000,
        additional: [String: String] = [:]
    ) {
        self.bootstrapServers = bootstrapServers
        self.groupID = groupID
        self.topics = topics
        self.autoOffsetReset = autoOffsetReset
        self.sessionTimeout = sessionTimeout
        self.maxPollInterval = maxPollInterval
        self.clientID = clientID
        self.maxBufferedMessages = maxBufferedMessages
        self.additional = additional
    }

    func properties(groupID: String) -> [(String, String)] {
        var properties: [(String, String)] = [
            ("bootstrap.servers", bootstrapServers.joined(separator: ",")),
            ("client.id", clientID),
            ("group.id", groupID),
            ("auto.offset.reset", autoOffsetReset.rawValue),
            ("session.timeout.ms", String(sessionTimeout.kafkaMilliseconds)),
            ("max.poll.interval.ms", String(maxPollInterval.kafkaMilliseconds)),
            ("enable.auto.commit", "false"),
            ("enable.auto.offset.store", "false"),
            ("enable.partition.eof", "false"),
        ]
        // With its pre-fetch queue full, librdkafka waits this long before fetching again (default
        // 1 s): a reader faster than one queue per second then starves. The property exists from
        // librdkafka 2.4. `additional` overrides it.
        if RDKafkaVersion.number >= 0x0204_0000 {
            properties.append(("fetch.queue.backoff.ms", "20"))
        }
        properties += additional.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
        return properties
    }

    func validate() throws(KafkaError) {
        for key in ["enable.auto.commit", "enable.auto.offset.store"] where additional[key] == "true" {
            throw .invalidConfiguration("\(key) cannot be turned on: offsets are committed explicitly after processing")
        }
        if bootstrapServers.isEmpty && additional["bootstrap.servers"] == nil {
            throw .invalidConfiguration("bootstrapServers is empty")
        }
        if maxBufferedMessages < 1 {
            throw .invalidConfiguration("maxBufferedMessages must be at least 1")
        }
    }
}
