import Kafka
import Testing
import TestSupport

/// Round trips through the real broker (Tansu).
@Suite(.timeLimit(.minutes(3))) struct ProduceConsumeTests {
    /// 1000 keyed records over 3 partitions, each key's records sent in order by its own task.
    @Test func keyedRecordsRoundTripInOrderWithHeaders() async throws {
        let topic = try await TestKafka.makeTopic("roundtrip", partitions: 3)
        let producer = try KafkaProducer(configuration: try TestKafka.producerConfiguration(), logger: TestKafka.logger())
        let keys = 50
        let perKey = 20

        struct Sent: Sendable {
            var key: String
            var sequence: Int
            var report: KafkaDeliveryReport
        }
        let sent = Collected<Sent>()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for keyIndex in 0..<keys {
                group.addTask {
                    let key = "message-\(keyIndex)"
                    for sequence in 0..<perKey {
                        let report = try await producer.send(
                            KafkaProducerMessage(
                                topic: topic,
                                key: Array(key.utf8),
                                value: Array("\(key)#\(sequence)".utf8),
                                headers: [
                                    KafkaHeader(key: "sequence", string: "\(sequence)"),
                                    KafkaHeader(key: "nothing", value: nil),
                                    KafkaHeader(key: "binary", value: [0, 1, 2, 255]),
                                ]
                            )
                        )
                        sent.append(Sent(key: key, sequence: sequence, report: report))
                    }
                }
            }
            try await group.waitForAll()
        }
        #expect(sent.count == keys * perKey)
        // Delivery reports: each key stays on one partition, and the offsets are distinct.
        let byOffset = Dictionary(
            sent.values.map { (KafkaTopicPartitionOffset(topic: $0.report.topic, partition: $0.report.partition, offset: $0.report.offset), $0) },
            uniquingKeysWith: { first, _ in first }
        )
        #expect(byOffset.count == keys * perKey)
        #expect(Set(sent.values.map(\.report.partition)).count == 3, "keys spread over all partitions")

        let consumer = try KafkaConsumer(configuration: try TestKafka.consumerConfiguration(topics: [topic]), logger: TestKafka.logger())
        let received = try await TestKafka.collect(keys * perKey, from: consumer)

        var lastOffset: [Int32: Int64] = [:]
        var lastSequence: [String: Int] = [:]
        var partitionOfKey: [String: Int32] = [:]
        for message in received {
            // Per partition: offsets strictly increasing without gaps (nothing lost, nothing repeated).
            #expect(message.offset == (lastOffset[message.partition] ?? -1) + 1, "partition \(message.partition)")
            lastOffset[message.partition] = message.offset

            let key = String(decoding: message.key ?? [], as: UTF8.self)
            let expected = try #require(byOffset[message.nextOffset.with(offset: message.offset)])
            #expect(key == expected.key)
            #expect(message.value == Array("\(expected.key)#\(expected.sequence)".utf8))
            #expect(
                message.headers == [
                    KafkaHeader(key: "sequence", string: "\(expected.sequence)"),
                    KafkaHeader(key: "nothing", value: nil),
                    KafkaHeader(key: "binary", value: [0, 1, 2, 255]),
                ]
            )
            #expect(message.timestampMs != nil)
            // Per key: one partition, and the order it was sent in.
            #expect(partitionOfKey[key, default: message.partition] == message.partition)
            partitionOfKey[key] = message.partition
            #expect(expected.sequence == (lastSequence[key] ?? -1) + 1, "order of \(key)")
            lastSequence[key] = expected.sequence
        }
        #expect(lastSequence.count == keys)
        try await consumer.close()
        await producer.shutdown()
    }

    /// The fetched high watermark is what tells the consumer pipeline that a partition is live.
    @Test func fetchedHighWatermarksReachTheLogEndOnceEverythingWasRead() async throws {
        let topic = try await TestKafka.makeTopic("fetched-end", partitions: 2)
        let producer = try KafkaProducer(configuration: try TestKafka.producerConfiguration(), logger: TestKafka.logger())
        var ends: [Int32: Int64] = [:]
        for index in 0..<40 {
            let report = try await producer.send(
                KafkaProducerMessage(topic: topic, key: Array("key-\(index)".utf8), value: Array("v\(index)".utf8))
            )
            ends[report.partition] = max(ends[report.partition] ?? 0, report.offset + 1)
        }
        #expect(ends.count == 2, "keys spread over both partitions")
        let consumer = try KafkaConsumer(configuration: try TestKafka.consumerConfiguration(topics: [topic]), logger: TestKafka.logger())
        let partitions = (0..<2).map { KafkaTopicPartition(topic: topic, partition: Int32($0)) }
        let unassigned = KafkaTopicPartition(topic: topic + "-other", partition: 0)
        let received = try await TestKafka.collect(40, from: consumer)
        var lastRead: [Int32: Int64] = [:]
        for message in received { lastRead[message.partition] = max(lastRead[message.partition] ?? -1, message.offset) }
        let fetched = consumer.fetchedHighWatermarks(partitions + [unassigned])
        #expect(fetched[unassigned] == nil)
        for partition in partitions {
            #expect(fetched[partition] == ends[partition.partition], "partition \(partition.partition)")
            #expect(fetched[partition] == lastRead[partition.partition].map { $0 + 1 })
        }

        // A record produced after the last fetch moves the fetched end once the consumer fetches it.
        let report = try await producer.send(KafkaProducerMessage(topic: topic, key: Array("key-0".utf8), value: [1]))
        _ = try await TestKafka.collect(1, from: consumer)
        let moved = consumer.fetchedHighWatermarks([KafkaTopicPartition(topic: topic, partition: report.partition)])
        #expect(moved.values.first == report.offset + 1)

        try await consumer.close()
        #expect(consumer.fetchedHighWatermarks(partitions).isEmpty, "no handle after close")
        await producer.shutdown()
    }

    /// `sendAll` returns once every record of the batch is stored, each in the partition it named.
    @Test func sendAllReturnsOnceEveryRecordIsStored() async throws {
        let topic = try await TestKafka.makeTopic("send-all", partitions: 3)
        let producer = try KafkaProducer(configuration: try TestKafka.producerConfiguration(), logger: TestKafka.logger())
        let records = (0..<3000).map { index in
            KafkaProducerMessage(
                topic: topic, key: Array("k\(index)".utf8), value: Array("v\(index)".utf8), partition: Int32(index % 3)
            )
        }
        try await producer.sendAll(records)
        // No read-back wait: the high watermarks already count every record.
        let admin = try KafkaAdminClient(bootstrapServers: try TestEnvironment.bootstrapServers, logger: TestKafka.logger())
        let marks = try await admin.watermarks(topic: topic)
        #expect(marks.count == 3)
        for (partition, mark) in marks { #expect(mark.high - mark.low == 1000, "partition \(partition)") }

        let consumer = try KafkaConsumer(configuration: try TestKafka.consumerConfiguration(topics: [topic]), logger: TestKafka.logger())
        let received = try await TestKafka.collect(3000, from: consumer)
        #expect(Set(received.map { String(decoding: $0.value, as: UTF8.self) }) == Set((0..<3000).map { "v\($0)" }))
        for message in received {
            let index = Int(String(decoding: message.key ?? [], as: UTF8.self).dropFirst())!
            #expect(message.partition == Int32(index % 3))
        }
        await producer.shutdown()
    }

    /// A batch with one record for a partition that does not exist: the others are stored, and
    /// `sendAll` throws that record's error once all of them settled.
    @Test func sendAllThrowsTheFailureAfterTheRestSettled() async throws {
        let topic = try await TestKafka.makeTopic("send-all-fail", partitions: 1)
        let producer = try KafkaProducer(configuration: try TestKafka.producerConfiguration(), logger: TestKafka.logger())
        // Metadata first, so the bad partition is known to be missing.
        _ = try await producer.send(KafkaProducerMessage(topic: topic, key: nil, value: [1], partition: 0))
        var records = (0..<100).map { KafkaProducerMessage(topic: topic, key: nil, value: [UInt8($0)], partition: 0) }
        records.insert(KafkaProducerMessage(topic: topic, key: nil, value: [0xFF], partition: 7), at: 50)
        let error = await #expect(throws: KafkaError.self) { try await producer.sendAll(records) }
        #expect(error?.code == .unknownTopicOrPartition)
        let admin = try KafkaAdminClient(bootstrapServers: try TestEnvironment.bootstrapServers, logger: TestKafka.logger())
        let marks = try await admin.watermarks(topic: topic)
        #expect(marks[0].map { $0.high - $0.low } == 101)
        await producer.shutdown()
    }

    /// Throughput of concurrent sends (each awaits its own delivery report); printed, never asserted.
    @Test func burstOfConcurrentSendsIsAcknowledged() async throws {
        let topic = try await TestKafka.makeTopic("burst", partitions: 3)
        let producer = try KafkaProducer(configuration: try TestKafka.producerConfiguration(), logger: TestKafka.logger())
        let count = 5000
        let payload = [UInt8](repeating: UInt8(ascii: "x"), count: 300)
        let clock = ContinuousClock()
        let started = clock.now
        let offsets = Collected<KafkaDeliveryReport>()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<count {
                group.addTask {
                    let report = try await producer.send(
                        KafkaProducerMessage(topic: topic, key: Array("k\(index % 500)".utf8), value: payload)
                    )
                    offsets.append(report)
                }
            }
            try await group.waitForAll()
        }
        let elapsed = clock.now - started
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        print("kafka produce throughput: \(count) records of \(payload.count) B acknowledged in \(elapsed) = \(Int(Double(count) / seconds)) records/s")
        // Every record got its own offset, and the high watermarks add up (batched produce: Tansu's
        // ListOffsets alone would report less).
        #expect(Set(offsets.values).count == count)
        let admin = try KafkaAdminClient(bootstrapServers: try TestEnvironment.bootstrapServers, logger: TestKafka.logger())
        var total: Int64 = 0
        for (_, marks) in try await admin.watermarks(topic: topic) { total += marks.high - marks.low }
        #expect(total == Int64(count))
        for partition in Set(offsets.values.map(\.partition)) {
            let partitionOffsets = offsets.values.filter { $0.partition == partition }.map(\.offset).sorted()
            #expect(partitionOffsets == Array(0..<Int64(partitionOffsets.count)))
        }
        #expect(producer.outQueueLength == 0)

        await producer.shutdown()

        // One at a time: each send's own round trip (what an ingress request waits for), per linger setting.
        for linger in [Duration.zero, .milliseconds(5)] {
            var configuration = try TestKafka.producerConfiguration()
            configuration.linger = linger
            let sequential = try KafkaProducer(configuration: configuration, logger: TestKafka.logger())
            var latencies: [Duration] = []
            for index in 0..<200 {
                let sendStarted = clock.now
                _ = try await sequential.send(KafkaProducerMessage(topic: topic, key: Array("k\(index)".utf8), value: payload))
                latencies.append(clock.now - sendStarted)
            }
            latencies.sort()
            print(
                "kafka send latency (sequential, 200 records, linger \(linger)): p50 \(latencies[100]) p99 \(latencies[197]) max \(latencies[199])"
            )
            #expect(latencies.count == 200)
            await sequential.shutdown()
        }
    }
}

extension KafkaTopicPartitionOffset {
    func with(offset: Int64) -> KafkaTopicPartitionOffset {
        KafkaTopicPartitionOffset(topic: topic, partition: partition, offset: offset)
    }
}
