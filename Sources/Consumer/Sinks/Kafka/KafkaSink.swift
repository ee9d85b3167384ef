package import Kafka
package import Logging
import StatusEvents

/// `kafka:TOPIC`: republishes the ordered, deduplicated stream for analytics consumers.
///
/// Record key = MessageSid; value = the event JSON with `sequence`, `late`, `topic`, `partition` and
/// `offset` (of the source record) added; headers = the CloudEvents binary-mode headers plus
/// `statusrelay-sequence` and `statusrelay-late`. A message's records are produced one after the
/// other (each awaited), so they keep their order in the partition; messages proceed in parallel.
/// `write` returns after every record was acknowledged (acks=all). Delivery is at least once.
///
/// A record Kafka refuses for good (``KafkaError/isPermanent``: larger than `message.max.bytes`,
/// invalid) does not stop the others: `write` produces the rest of the batch, then throws
/// ``SinkError/Code/rejected`` naming the refused events, which the consumer dead-letters. Any other
/// failure is retriable and the batch is written again.
package final class KafkaSink: EventSink {
    package struct Configuration: Sendable {
        /// Messages produced in parallel within a batch. Default 512.
        /// Env `STATUSRELAY_KAFKA_SINK_CONCURRENCY`.
        package var maxConcurrency: Int = 512
        /// Partitions of the topic when the sink creates it (see `SinkFactory.Configuration.kafkaAdmin`).
        /// Default 6. Env `STATUSRELAY_KAFKA_SINK_PARTITIONS`.
        package var partitions: Int32 = 6

        package init() {}
    }

    package let name = "kafka"
    /// Writes each record's JSON; reads only the summary.
    package var readsEvents: Bool { false }
    package let topic: String
    private let producer: KafkaProducer
    private let admin: KafkaAdminClient?
    private let configuration: Configuration
    private let logger: Logger

    package init(
        topic: String, producer: KafkaProducer, admin: KafkaAdminClient? = nil, configuration: Configuration = Configuration(),
        logger: Logger
    ) {
        self.topic = topic
        self.producer = producer
        self.admin = admin
        self.configuration = configuration
        self.logger = logger
    }

    package func start() async throws {
        if let admin {
            do {
                try await admin.createTopic(topic, partitions: max(1, configuration.partitions))
            } catch {
                throw SinkError(code: .unavailable, sink: name, message: "cannot create topic \(topic): \(error)", isRetriable: true, underlying: error)
            }
        }
        logger.info("Kafka sink ready", metadata: ["topic": "\(topic)"])
    }

    package func write(_ batch: [ReleasedEvent]) async throws {
        guard !batch.isEmpty else { return }
        let limit = max(1, configuration.maxConcurrency)
        // Records Kafka refuses (too large, invalid): the others are produced, these are reported.
        var rejected: [Int: String] = [:]
        var firstRefusal: KafkaError?
        do {
            try await withThrowingTaskGroup(of: Refusals.self) { group in
                var running = 0
                func collect(_ refusals: Refusals) {
                    rejected.merge(refusals.reasons) { $1 }
                    firstRefusal = firstRefusal ?? refusals.first
                }
                for message in MessageGroup.groups(of: batch) {
                    if running >= limit {
                        if let refusals = try await group.next() { collect(refusals) }
                        running -= 1
                    }
                    group.addTask {
                        var refusals = Refusals()
                        for index in message.indices {
                            do {
                                _ = try await self.producer.send(self.message(for: batch[index]))
                            } catch let error as KafkaError where error.isPermanent {
                                refusals.reasons[index] = "\(error)"
                                refusals.first = refusals.first ?? error
                            }
                        }
                        return refusals
                    }
                    running += 1
                }
                for try await refusals in group { collect(refusals) }
            }
        } catch let error as KafkaError {
            throw SinkError(
                code: .unavailable, sink: name, message: "producing to \(topic): \(error)", isRetriable: true, underlying: error
            )
        }
        if !rejected.isEmpty {
            throw SinkError(
                code: .rejected, sink: name,
                message: "Kafka refused \(rejected.count) of \(batch.count) records for \(topic): \(firstRefusal.map { "\($0)" } ?? "")",
                isRetriable: false, rejectedEvents: rejected, underlying: firstRefusal
            )
        }
    }

    /// The records of one message Kafka refused, by position in the batch.
    private struct Refusals: Sendable {
        var reasons: [Int: String] = [:]
        var first: KafkaError?
    }

    package func shutdown() async throws {}

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
