import Kafka
import Testing
import TestSupport

@Suite(.timeLimit(.minutes(3))) struct CommitResumeTests {
    /// Commit what was processed, close (LeaveGroup), and a new member of the group starts exactly there.
    @Test func newConsumerResumesAfterCommittedOffsets() async throws {
        let topic = try await TestKafka.makeTopic("resume", partitions: 3)
        let producer = try KafkaProducer(configuration: try TestKafka.producerConfiguration(), logger: TestKafka.logger())
        let total = 90
        for index in 0..<total {
            _ = try await producer.send(
                KafkaProducerMessage(topic: topic, key: Array("key-\(index % 9)".utf8), value: Array("\(index)".utf8))
            )
        }
        await producer.shutdown()
        let group = TestEnvironment.uniqueName("resume-group")

        let first = try KafkaConsumer(
            configuration: try TestKafka.consumerConfiguration(topics: [topic], groupID: group), logger: TestKafka.logger()
        )
        let processed = try await TestKafka.collect(40, from: first)
        var commit: [KafkaTopicPartition: Int64] = [:]
        for message in processed { commit[message.topicPartition] = max(commit[message.topicPartition] ?? 0, message.offset + 1) }
        try await first.commit(commit.map { KafkaTopicPartitionOffset($0.key, offset: $0.value) })
        try await first.close()

        let second = try KafkaConsumer(
            configuration: try TestKafka.consumerConfiguration(topics: [topic], groupID: group), logger: TestKafka.logger()
        )
        let rest = try await TestKafka.collect(total - processed.count, from: second)
        let seen = Set(processed.map(\.nextOffset))
        // No repeats: nothing the first consumer processed comes again.
        #expect(rest.allSatisfy { !seen.contains($0.nextOffset) })
        // No gaps: each partition continues at exactly the committed offset, contiguously.
        var next = commit
        for message in rest {
            #expect(message.offset == next[message.topicPartition, default: 0], "\(message.topicPartition)")
            next[message.topicPartition] = message.offset + 1
        }
        let values = Set((processed + rest).map { String(decoding: $0.value, as: UTF8.self) })
        #expect(values == Set((0..<total).map(String.init)))
        // And nothing beyond: the topic is fully read.
        #expect(try await TestKafka.drain(second, for: .seconds(2)).isEmpty)
        try await second.close()
    }

    /// A manual assignment (replay) reads from the given offsets and never commits for its group.
    @Test func manualAssignmentReadsFromOffsetsAndDoesNotCommit() async throws {
        let topic = try await TestKafka.makeTopic("manual", partitions: 2)
        let producer = try KafkaProducer(configuration: try TestKafka.producerConfiguration(), logger: TestKafka.logger())
        for index in 0..<10 {
            _ = try await producer.send(
                KafkaProducerMessage(topic: topic, value: Array("\(index)".utf8), partition: Int32(index % 2))
            )
        }
        await producer.shutdown()
        let group = TestEnvironment.uniqueName("manual-group")
        var configuration = try TestKafka.consumerConfiguration(topics: [], groupID: group)
        configuration.autoOffsetReset = .latest
        let consumer = try KafkaConsumer(
            assignment: [
                KafkaTopicPartitionOffset(topic: topic, partition: 0, offset: 3),
                KafkaTopicPartitionOffset(topic: topic, partition: 1, offset: KafkaTopicPartitionOffset.beginning),
            ],
            configuration: configuration,
            logger: TestKafka.logger()
        )
        #expect(consumer.isManualAssignment)
        let received = try await TestKafka.collect(2 + 5, from: consumer)
        #expect(received.filter { $0.partition == 0 }.map(\.offset) == [3, 4])
        #expect(received.filter { $0.partition == 1 }.map(\.offset) == [0, 1, 2, 3, 4])
        try await consumer.commit(received.map(\.nextOffset))  // a no-op
        try await consumer.close()

        // The group has no committed offsets: a group member with auto.offset.reset=latest sees only new records.
        let member = try KafkaConsumer(
            configuration: try TestKafka.consumerConfiguration(topics: [topic], groupID: group).with { $0.autoOffsetReset = .earliest },
            logger: TestKafka.logger()
        )
        let all = try await TestKafka.collect(10, from: member)
        #expect(all.count == 10)
        try await member.close()
    }
}

extension KafkaConsumerConfiguration {
    func with(_ change: (inout KafkaConsumerConfiguration) -> Void) -> KafkaConsumerConfiguration {
        var copy = self
        change(&copy)
        return copy
    }
}
