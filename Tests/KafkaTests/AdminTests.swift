import Kafka
import Testing
import TestSupport

@Suite(.timeLimit(.minutes(3))) struct AdminTests {
    @Test func createTopicIsIdempotentAndReportsPartitions() async throws {
        let admin = try KafkaAdminClient(bootstrapServers: try TestEnvironment.bootstrapServers, logger: TestKafka.logger())
        let topic = TestEnvironment.uniqueName("admin")
        try await admin.createTopic(topic, partitions: 3)
        try await admin.createTopic(topic, partitions: 3)
        #expect(try await admin.partitions(of: topic) == [0, 1, 2])
        await #expect {
            _ = try await admin.partitions(of: TestEnvironment.uniqueName("missing"))
        } throws: { ($0 as? KafkaError)?.code == .unknownTopicOrPartition }
    }

    @Test func watermarksAndOffsetsForTimes() async throws {
        let admin = try KafkaAdminClient(bootstrapServers: try TestEnvironment.bootstrapServers, logger: TestKafka.logger())
        let topic = TestEnvironment.uniqueName("times")
        try await admin.createTopic(topic, partitions: 2)
        let empty = try await admin.watermarks(topic: topic, partition: 0)
        #expect(empty.low == 0 && empty.high == 0)

        // Records 0..9 on partition 0 with timestamps base, base+1000, ...; one at a time, so each is its own
        // batch (Tansu's high watermark is the last batch's base offset + 1).
        let base: Int64 = 1_700_000_000_000
        let producer = try KafkaProducer(configuration: try TestKafka.producerConfiguration(), logger: TestKafka.logger())
        for index in 0..<10 {
            _ = try await producer.send(
                KafkaProducerMessage(topic: topic, value: [UInt8(index)], partition: 0, timestampMs: base + Int64(index) * 1000)
            )
        }
        await producer.shutdown()
        let marks = try await admin.watermarks(topic: topic, partition: 0)
        #expect(marks.low == 0 && marks.high == 10)

        // A broker answers with the first offset whose timestamp is >= the given one (-1: none). Tansu
        // answers 0 for every lookup, which is still a valid lower bound; callers filter by timestamp.
        let before = try await admin.offsets(forTimestampMs: base - 60_000, topic: topic)
        #expect(before[0] == 0)
        #expect(Set(before.keys) == [0, 1])
        let within = try await admin.offsets(forTimestampMs: base + 4_500, topic: topic)
        #expect(within[0].map { (0...5).contains($0) } == true, "within: \(within)")
        let exact = try await admin.offsets(forTimestampMs: base + 7_000, topic: topic)
        #expect(exact[0].map { (0...7).contains($0) } == true, "exact: \(exact)")
        let after = try await admin.offsets(forTimestampMs: base + 60_000, topic: topic)
        #expect(after[0].map { $0 == -1 || (0...10).contains($0) } == true, "after: \(after)")
        // The empty partition: the end, or its (empty) beginning.
        #expect(before[1].map { $0 == -1 || $0 == 0 } == true)
        await #expect {
            _ = try await admin.offsets(forTimestampMs: base, topic: TestEnvironment.uniqueName("missing"))
        } throws: { ($0 as? KafkaError)?.code == .unknownTopicOrPartition }
    }
}
