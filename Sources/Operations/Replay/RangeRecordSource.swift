import Consumer
import Kafka
import Logging
import Synchronization

/// A replay's record source: a manual assignment of fixed ranges, under no group, with no clock
/// (release depends on the records and their event times only, so a range always replays the same).
///
/// ``feed(_:)`` hands the pipeline every record of the ranges and then the end of input. A partition
/// that delivers nothing for `idleTimeout` before its end offset is treated as finished (its
/// remaining offsets are gaps, e.g. transaction markers).
final class RangeRecordSource: RecordSource {
    struct Outcome: Sendable {
        /// Records read from the ranges.
        var read: Int64 = 0
        /// Partitions that stopped before their end offset because no record came.
        var unfinished: [Int32] = []
    }

    let consumer: KafkaConsumer
    let topic: String
    let ranges: [ReplayRange]
    let idleTimeout: Duration
    let assignedPartitions: Set<Int32>
    var now: Int64 { 0 }
    private let lastActivity = Mutex(ContinuousClock.now)

    init(ranges: [ReplayRange], configuration: ReplayConfiguration, logger: Logger) throws(KafkaError) {
        var consumerConfiguration = KafkaConsumerConfiguration(
            bootstrapServers: configuration.bootstrapServers, groupID: "", clientID: "statusrelay-replay",
            additional: configuration.kafkaAdditional
        )
        consumerConfiguration.maxBufferedMessages = 5_000
        consumer = try KafkaConsumer(
            assignment: ranges.map { KafkaTopicPartitionOffset(topic: configuration.topic, partition: $0.partition, offset: $0.start) },
            configuration: consumerConfiguration, logger: logger
        )
        topic = configuration.topic
        self.ranges = ranges
        idleTimeout = configuration.idleTimeout
        assignedPartitions = Set(ranges.map(\.partition))
    }

    func fetchedEnds(of partitions: [Int32]) -> [Int32: Int64] { [:] }

    func pause(_ partitions: [Int32]) throws {
        try consumer.pause(partitions.map { KafkaTopicPartition(topic: topic, partition: $0) })
    }

    func resume(_ partitions: [Int32]) throws {
        try consumer.resume(partitions.map { KafkaTopicPartition(topic: topic, partition: $0) })
    }

    /// Runs the consumer and sends the ranges' records to `pipeline`, then the end of input.
    func feed(_ pipeline: EventPipeline) async -> Outcome {
        let running = Task { try await consumer.run() }
        // Ends the read when a partition stops delivering before its end offset (gaps).
        let watchdog = Task {
            while !Task.isCancelled {
                try await Task.sleep(for: .milliseconds(250))
                if ContinuousClock.now - lastActivity.withLock({ $0 }) > idleTimeout {
                    try? await consumer.close()
                    return
                }
            }
        }
        defer {
            watchdog.cancel()
            running.cancel()
        }
        let ends = Dictionary(uniqueKeysWithValues: ranges.map { ($0.partition, $0.end) })
        var unfinished = assignedPartitions
        var outcome = Outcome()
        var iterator = consumer.messages.makeAsyncIterator()
        do {
            while !unfinished.isEmpty, let messages = try await iterator.nextBatch(maxCount: EventPipeline.readBatchSize) {
                lastActivity.withLock { $0 = ContinuousClock.now }
                var kept: [KafkaConsumerMessage] = []
                for message in messages {
                    guard message.topic == topic, let end = ends[message.partition], unfinished.contains(message.partition)
                    else { continue }
                    if message.offset >= end {
                        unfinished.remove(message.partition)
                        continue
                    }
                    kept.append(message)
                    if message.offset + 1 >= end { unfinished.remove(message.partition) }
                }
                outcome.read += Int64(kept.count)
                if !kept.isEmpty, !(await pipeline.send(kept)) { break }
            }
            await pipeline.send(.endOfInput)
        } catch {
            await pipeline.send(.readerFailed(error))
        }
        pipeline.finish()
        watchdog.cancel()
        running.cancel()
        _ = await running.result
        outcome.unfinished = unfinished.sorted()
        return outcome
    }
}
