import Kafka
import Testing
import TestSupport

@Suite(.timeLimit(.minutes(3))) struct PauseRebalanceTests {
    @Test func pausedPartitionDeliversNothingUntilResumed() async throws {
        let topic = try await TestKafka.makeTopic("pause", partitions: 2)
        let consumer = try KafkaConsumer(configuration: try TestKafka.consumerConfiguration(topics: [topic]), logger: TestKafka.logger())
        var events = consumer.events.makeAsyncIterator()
        let assigned = await events.next()
        #expect(
            assigned == .partitionsAssigned([KafkaTopicPartition(topic: topic, partition: 0), KafkaTopicPartition(topic: topic, partition: 1)])
                || assigned == .partitionsAssigned([KafkaTopicPartition(topic: topic, partition: 1), KafkaTopicPartition(topic: topic, partition: 0)])
        )
        #expect(consumer.assignment.count == 2)
        let paused = KafkaTopicPartition(topic: topic, partition: 0)
        try consumer.pause([paused])

        let producer = try KafkaProducer(configuration: try TestKafka.producerConfiguration(), logger: TestKafka.logger())
        for index in 0..<20 {
            _ = try await producer.send(KafkaProducerMessage(topic: topic, value: Array("\(index)".utf8), partition: Int32(index % 2)))
        }
        await producer.shutdown()

        let beforeResume = try await TestKafka.collect(10, from: consumer)
        #expect(beforeResume.allSatisfy { $0.partition == 1 })
        #expect(try await TestKafka.drain(consumer, for: .seconds(2)).isEmpty, "paused partition delivered records")

        try consumer.resume([paused])
        let afterResume = try await TestKafka.collect(10, from: consumer)
        #expect(afterResume.allSatisfy { $0.partition == 0 })
        #expect(afterResume.map(\.offset) == Array(0..<10))
        try await consumer.close()
    }

    @Test func secondMemberTriggersRevokeAndSplit() async throws {
        let topic = try await TestKafka.makeTopic("rebalance", partitions: 4)
        let group = TestEnvironment.uniqueName("rebalance-group")
        let all = Set((0..<4).map { KafkaTopicPartition(topic: topic, partition: Int32($0)) })
        let first = try KafkaConsumer(
            configuration: try TestKafka.consumerConfiguration(topics: [topic], groupID: group), logger: TestKafka.logger()
        )
        var firstEvents = first.events.makeAsyncIterator()
        #expect(await firstEvents.next() == .partitionsAssigned(Array(all).sorted { $0.partition < $1.partition }) || first.assignment == all)
        #expect(first.assignment == all)

        let second = try KafkaConsumer(
            configuration: try TestKafka.consumerConfiguration(topics: [topic], groupID: group), logger: TestKafka.logger()
        )
        var secondEvents = second.events.makeAsyncIterator()
        // The first member gives up its partitions, then both get a share.
        guard case .partitionsRevoked(let revoked) = await firstEvents.next() else {
            Issue.record("expected a revoke")
            return
        }
        #expect(Set(revoked) == all)
        guard case .partitionsAssigned(let firstShare) = await firstEvents.next(),
            case .partitionsAssigned(let secondShare) = await secondEvents.next()
        else {
            Issue.record("expected assignments")
            return
        }
        #expect(!firstShare.isEmpty && !secondShare.isEmpty)
        #expect(Set(firstShare).isDisjoint(with: secondShare))
        #expect(Set(firstShare).union(secondShare) == all)

        // The second leaves (LeaveGroup): the first gets everything back.
        try await second.close()
        var regained: Set<KafkaTopicPartition> = []
        while regained != all, let event = await firstEvents.next() {
            if case .partitionsAssigned(let partitions) = event { regained = Set(partitions) }
        }
        #expect(first.assignment == all)
        try await first.close()
    }

    /// With the cooperative protocol partitions move incrementally: no member gives up everything.
    @Test func cooperativeRebalanceMovesPartitionsIncrementally() async throws {
        let topic = try await TestKafka.makeTopic("cooperative", partitions: 4)
        let group = TestEnvironment.uniqueName("cooperative-group")
        let all = Set((0..<4).map { KafkaTopicPartition(topic: topic, partition: Int32($0)) })
        func configuration() throws -> KafkaConsumerConfiguration {
            var configuration = try TestKafka.consumerConfiguration(topics: [topic], groupID: group)
            configuration.additional["partition.assignment.strategy"] = "cooperative-sticky"
            return configuration
        }
        let first = try KafkaConsumer(configuration: try configuration(), logger: TestKafka.logger())
        var firstEvents = first.events.makeAsyncIterator()
        guard case .partitionsAssigned(let initial) = await firstEvents.next() else {
            Issue.record("expected an assignment")
            return
        }
        #expect(Set(initial) == all)

        let second = try KafkaConsumer(configuration: try configuration(), logger: TestKafka.logger())
        var secondEvents = second.events.makeAsyncIterator()
        guard case .partitionsRevoked(let revoked) = await firstEvents.next(),
            case .partitionsAssigned(let taken) = await secondEvents.next()
        else {
            Issue.record("expected an incremental revoke and an assignment")
            return
        }
        #expect(!revoked.isEmpty && Set(revoked) != all, "only some partitions move")
        #expect(Set(taken) == Set(revoked))
        #expect(first.assignment == all.subtracting(revoked))
        #expect(second.assignment == Set(taken))
        try await second.close()
        try await first.close()
    }
}
