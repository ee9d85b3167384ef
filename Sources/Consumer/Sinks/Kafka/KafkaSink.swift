public import Kafka
public import Logging
import StatusEvents

/// `kafka:TOPIC`: republishes the ordered, deduplicated stream for analytics consumers.
///
/// Record key = MessageSid; value = the event JSON with `sequence`, `late`, `topic`, `partition` and
/// `offset` (of the source record) added; headers = the CloudEvents binary-mode headers plus
/// `statusrelay-sequence` and `statusrelay-late`. A message's records are produced one after the
/// other (each awaited), so they keep their order in the partition; messages proceed in parallel.
/// `write` returns after every record was acknowledged (acks=all). Delivery is at least once.
public final class KafkaSink: EventSink {
    public struct Configuration: Sendable {
        /// Messages produced in parallel within a batch. Default 512.
        /// Env `STATUSRELAY_KAFKA_SINK_CONCURRENCY`.
        public var maxConcurrency: Int = 512
        /// Partitions of the topic when the sink creates it (see `SinkFactory.Configuration.kafkaAdmin`).
        /// Default 6. Env `STATUSRELAY_KAFKA_SINK_PARTITIONS`.
        public var partitions: Int32 = 6

        public init() {}
    }

    public let name = "kafka"
    /// Writes each record's JSON; reads only the summary.
    public var readsEvents: Bool { false }
    public let topic: String
    private let producer: KafkaProducer
    private let admin: KafkaAdminClient?
    private let configuration: Configuration
    private let logger: Logger

    public init(
        topic: String, producer: KafkaProducer, admin: KafkaAdminClient? = nil, configuration: Configuration = Configuration(),
        logger: Logger
    ) {
        self.topic = topic
        self.producer = producer
        self.admin = admin
        self.configuration = configuration
        self.logger = logger
    }

    public func start() async throws {
        if let admin {
            do {
                try await admin.createTopic(topic, partitions: max(1, configuration.partitions))
            } catch {
                throw SinkError(code: .unavailable, sink: name, message: "cannot create topic \(topic): \(error)", isRetriable: true)
            }
        }
        logger.info("Kafka sink ready", metadata: ["topic": "\(topic)"])
    }

    public func write(_ batch: [ReleasedEvent]) async throws {
        guard !batch.isEmpty else { return }
        var order: [String] = []
        var byMessage: [String: [ReleasedEvent]] = [:]
        for released in batch {
            let sid = released.summary.messageSid
            if byMessage[sid] == nil { order.append(sid) }
            byMessage[sid, default: []].append(released)
        }
        let limit = max(1, configuration.maxConcurrency)
        do {
            try await withThrowingTaskGroup(of: Void.self) { group in
                var running = 0
                for sid in order {
                    if running >= limit {
                        try await group.next()
                        running -= 1
                    }
                    let events = byMessage[sid]!
                    group.addTask {
                        for released in events {
                            _ = try await self.producer.send(self.message(for: released))
                        }
                    }
                    running += 1
                }
                try await group.waitForAll()
            }
        } catch let error as KafkaError {
            throw SinkError(
                code: error.isRetriable || !error.isFatal ? .unavailable : .writeFailed, sink: name,
                message: "producing to \(topic): \(error)", isRetriable: !error.isFatal
            )
        }
    }

    public func shutdown() async throws {}

    func message(for released: ReleasedEvent) -> KafkaProducerMessage {
        var headers = CloudEventHeaders.headers(for: released.summary).map { KafkaHeader(key: $0.key, string: $0.value) }
        headers.append(KafkaHeader(key: "statusrelay-sequence", string: String(released.sequence)))
        headers.append(KafkaHeader(key: "statusrelay-late", string: released.late ? "true" : "false"))
        return KafkaProducerMessage(
            topic: topic,
            key: Array(released.summary.messageSid.utf8),
            value: ReleasedEventJSON.record(released),
            headers: headers
        )
    }
}
