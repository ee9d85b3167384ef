import Consumer
import Foundation
import Kafka
import PostgresNIO
import StatusEvents
import Testing
import TestSupport

/// Issue 16, items 3, 4 and 7: one record must never stop a partition. The whole consumer in-process
/// (ConsumerApplication's service group) against the real broker and a real PostgreSQL; each hostile
/// record sits between good events, and the good event after it must arrive.
@Suite("Poison records", .serialized)
struct PoisonRecordTests {
    static func producer(maxMessageBytes: Int = 1_000_000) throws -> KafkaProducer {
        var configuration = try TestKafka.producerConfiguration()
        configuration.additional["message.max.bytes"] = String(maxMessageBytes)
        return try KafkaProducer(configuration: configuration, logger: TestKafka.logger())
    }

    static func record(_ event: StatusEvent, topic: String, partition: Int32? = nil) -> KafkaProducerMessage {
        KafkaProducerMessage(
            topic: topic, key: Array(event.messageSid.utf8), value: StatusEventCodec.encode(event), partition: partition
        )
    }

    /// Every record of the dead-letter topic of `topic`, once there are at least `count`.
    static func deadLetters(of topic: String, count: Int) async throws -> [KafkaConsumerMessage] {
        let admin = try KafkaAdminClient(bootstrapServers: try TestEnvironment.bootstrapServers, logger: TestKafka.logger())
        let partitions = try await admin.partitions(of: "\(topic).dlq")
        let dlq = try KafkaConsumer(
            assignment: partitions.map {
                KafkaTopicPartitionOffset(topic: "\(topic).dlq", partition: $0, offset: KafkaTopicPartitionOffset.beginning)
            },
            configuration: try TestKafka.consumerConfiguration(topics: [], groupID: ""),
            logger: TestKafka.logger()
        )
        let run = Task { try await dlq.run() }
        defer { run.cancel() }
        return try await TestKafka.collect(count, from: dlq, timeout: .seconds(60))
    }

    static func header(_ record: KafkaConsumerMessage, _ key: String) -> String? {
        record.headers.first { $0.key == key }?.stringValue
    }

    /// Issue 16 case 3: PostgreSQL stopped for good on a `\u0000` (22021/22P05), on a number `jsonb`
    /// cannot hold (22003) and on a sid too long for an index (54000). The first two are stored
    /// losslessly; the too-long sid is refused by the decoder (MessageSidRule) and an event PostgreSQL
    /// refuses for good (an id too large for its index) is dead-lettered alone; the rest goes on.
    @Test func postgresStoresOrDeadLettersEveryHostileEvent() async throws {
        let topic = try await TestKafka.makeTopic("poison-pg", partitions: 1)
        let directory = try TestEnvironment.makeTemporaryDirectory("poison-pg")
        let jsonl = (directory as NSString).appendingPathComponent("out.jsonl")
        let url = try PostgresSinkTests.uniqueURL()

        let first = SinkTestFixtures.event(SinkTestFixtures.messageSid(), "sent", id: "good-first")
        var nul = SinkTestFixtures.event(SinkTestFixtures.messageSid(), "delivered", id: "nul-byte", extra: [("ChannelStatusMessage", "before\u{0}after")])
        nul.from = "before\u{0}after"
        nul.params["From"] = .single("before\u{0}after")
        let huge = SinkTestFixtures.event(SinkTestFixtures.messageSid(), "sent", id: "huge-number")
        var hugeJSON = StatusEventCodec.encode(huge)
        hugeJSON.insert(contentsOf: Array(#""aMemberFromTheFuture":1e999999,"#.utf8), at: 1)
        let longSid = "SM" + String(repeating: "ab", count: 1500)
        var longSidJSON = StatusEventCodec.encode(SinkTestFixtures.event("SMplaceholder", "sent", id: "long-sid"))
        longSidJSON = Array(String(decoding: longSidJSON, as: UTF8.self).replacingOccurrences(of: "SMplaceholder", with: longSid).utf8)
        // Random hex: an index entry PostgreSQL cannot compress below its 2,704-byte limit (54000).
        var generator = SystemRandomNumberGenerator()
        let hugeID = (0..<20_000).map { _ in String(UInt8.random(in: 0..<16, using: &generator), radix: 16) }.joined()
        let refused = SinkTestFixtures.event(SinkTestFixtures.messageSid(), "sent", id: hugeID)
        let last = SinkTestFixtures.event(SinkTestFixtures.messageSid(), "sent", id: "good-last")

        let producer = try Self.producer()
        for message in [
            Self.record(first, topic: topic), Self.record(nul, topic: topic),
            KafkaProducerMessage(topic: topic, key: Array(huge.messageSid.utf8), value: hugeJSON),
            KafkaProducerMessage(topic: topic, key: Array(longSid.utf8), value: longSidJSON),
            Self.record(refused, topic: topic), Self.record(last, topic: topic),
        ] {
            _ = try await producer.send(message)
        }
        await producer.shutdown()

        let configuration = try ConsumerPipelineTests.configuration(
            topic: topic, group: TestEnvironment.uniqueName("group"), sinks: [url, "jsonl:\(jsonl)"], window: .zero
        )
        let running = try await ConsumerPipelineTests.start(configuration)
        let inspector = PostgresSinkTests.Inspector(url: url)
        try await eventually(timeout: .seconds(60), "the last good event in PostgreSQL") {
            (try? await inspector.history().contains { $0.eventID == "good-last" }) == true
        }
        let stored = try await inspector.history().map(\.eventID)
        #expect(Set(stored) == ["good-first", "nul-byte", "huge-number", "good-last"])
        // Stored losslessly: the payload is the event's exact JSON text (as a jsonb string).
        let payloads = try await inspector.query { connection in
            var payloads: [String: (String, String)] = [:]
            let rows = try await connection.query(
                "SELECT event_id, jsonb_typeof(payload), payload #>> '{}' FROM message_status_events", logger: .init(label: "t")
            )
            for try await (id, type, text) in rows.decode((String, String, String).self) { payloads[id] = (type, text) }
            return payloads
        }
        #expect(payloads["nul-byte"]?.0 == "string")
        #expect(payloads["nul-byte"]?.1 == String(decoding: StatusEventCodec.encode(nul), as: UTF8.self))
        #expect(payloads["huge-number"]?.0 == "string")
        #expect(payloads["huge-number"]?.1 == String(decoding: hugeJSON, as: UTF8.self))
        #expect(payloads["good-first"]?.0 == "object")
        let senders = try await inspector.senders()
        #expect(senders[nul.messageSid]?.sender == "before\u{FFFD}after")

        // The sid the decoder refuses and the event PostgreSQL refuses are in the dead-letter topic.
        let dead = try await Self.deadLetters(of: topic, count: 2)
        let undecodable = try #require(dead.first { $0.key == Array(longSid.utf8) })
        #expect(Self.header(undecodable, "statusrelay-dlq-reason")?.contains("messageSid must be") == true)
        #expect(undecodable.value == longSidJSON)
        let rejected = try #require(dead.first { $0.key == Array(refused.messageSid.utf8) })
        #expect(Self.header(rejected, "statusrelay-dlq-kind") == "rejected")
        #expect(Self.header(rejected, "statusrelay-dlq-sink") == "postgres")
        #expect(Self.header(rejected, "statusrelay-dlq-reason")?.contains("54000") == true)
        #expect(Self.header(rejected, "statusrelay-dlq-source") == "\(topic)/0/4")
        #expect(rejected.value == StatusEventCodec.encode(refused))
        // Every sink that could store the refused event did.
        #expect(try ReleasedRecord.read(jsonl: jsonl).map(\.id).contains(hugeID))

        await running.group.triggerGracefulShutdown()
        try await running.task.value
    }

    /// Issue 16 case 7: the same event under its sid's key and under another key (and a null key)
    /// reached the reorderer in three partitions and was emitted three times with sequence 1.
    @Test func recordWhoseKeyIsNotItsMessageSidIsDeadLettered() async throws {
        let topic = try await TestKafka.makeTopic("poison-key", partitions: 3)
        let directory = try TestEnvironment.makeTemporaryDirectory("poison-key")
        let jsonl = (directory as NSString).appendingPathComponent("out.jsonl")
        let event = SinkTestFixtures.event(SinkTestFixtures.messageSid(), "sent", id: "keyed-event")
        let json = StatusEventCodec.encode(event)
        let producer = try Self.producer()
        _ = try await producer.send(Self.record(event, topic: topic, partition: 0))
        _ = try await producer.send(KafkaProducerMessage(topic: topic, key: Array("SMother".utf8), value: json, partition: 1))
        _ = try await producer.send(KafkaProducerMessage(topic: topic, key: nil, value: json, partition: 2))
        let after = SinkTestFixtures.event(SinkTestFixtures.messageSid(), "sent", id: "after")
        _ = try await producer.send(Self.record(after, topic: topic, partition: 1))
        await producer.shutdown()

        let configuration = try ConsumerPipelineTests.configuration(
            topic: topic, group: TestEnvironment.uniqueName("group"), sinks: ["jsonl:\(jsonl)"], window: .zero
        )
        let running = try await ConsumerPipelineTests.start(configuration)
        let dead = try await Self.deadLetters(of: topic, count: 2)
        try await eventually(timeout: .seconds(60), "the event after the mismatched key") {
            try ReleasedRecord.read(jsonl: jsonl).contains { $0.id == "after" }
        }
        try await Task.sleep(for: .seconds(1))
        let written = try ReleasedRecord.read(jsonl: jsonl).filter { $0.id == "keyed-event" }
        #expect(written.count == 1, "\(written)")
        #expect(Set(dead.map { Self.header($0, "statusrelay-dlq-source") ?? "" }) == ["\(topic)/1/0", "\(topic)/2/0"])
        for record in dead {
            #expect(Self.header(record, "statusrelay-dlq-reason")?.contains("not the event's messageSid") == true)
            #expect(Self.header(record, "statusrelay-dlq-kind") == "key_mismatch")
            #expect(record.value == json)
        }
        try await eventually(timeout: .seconds(10), "key mismatches counted") {
            try await ConsumerPipelineTests.get(running.adminPort, "/metrics").body
                .contains(#"statusrelay_consumer_dead_lettered_total{reason="key_mismatch"} 2"#)
        }
        await running.group.triggerGracefulShutdown()
        try await running.task.value
    }

    /// Issue 16 case 4: a 1,000,000-byte record the broker took could not be dead-lettered as is
    /// (MSG_SIZE_TOO_LARGE), retried forever, and stalled the partition; a valid 999,800-byte event
    /// did the same in the Kafka sink. Both are dead-lettered truncated, and the partition goes on.
    @Test func oversizedRecordsAreDeadLetteredInAFormThatFits() async throws {
        let topic = try await TestKafka.makeTopic("poison-size", partitions: 1)
        let directory = try TestEnvironment.makeTemporaryDirectory("poison-size")
        let jsonl = (directory as NSString).appendingPathComponent("out.jsonl")
        let garbage = [UInt8](repeating: UInt8(ascii: "x"), count: 1_000_000)
        var large = SinkTestFixtures.event(SinkTestFixtures.messageSid(), "sent", id: "large-event")
        let padding = 999_800 - StatusEventCodec.encode(large).count - 40
        large.params["Padding"] = .single(String(repeating: "p", count: padding))
        let largeJSON = StatusEventCodec.encode(large)
        let after = SinkTestFixtures.event(SinkTestFixtures.messageSid(), "sent", id: "after-large")
        let producer = try Self.producer(maxMessageBytes: 2_000_000)
        _ = try await producer.send(KafkaProducerMessage(topic: topic, key: Array("SMgarbage".utf8), value: garbage))
        _ = try await producer.send(KafkaProducerMessage(topic: topic, key: Array(large.messageSid.utf8), value: largeJSON))
        _ = try await producer.send(Self.record(after, topic: topic))
        await producer.shutdown()

        let output = TestEnvironment.uniqueName("poison-size-out")
        let configuration = try ConsumerPipelineTests.configuration(
            topic: topic, group: TestEnvironment.uniqueName("group"), sinks: ["kafka:\(output)", "jsonl:\(jsonl)"], window: .zero
        )
        let running = try await ConsumerPipelineTests.start(configuration)
        try await eventually(timeout: .seconds(60), "the event after the oversized records") {
            try ReleasedRecord.read(jsonl: jsonl).contains { $0.id == "after-large" }
        }
        let dead = try await Self.deadLetters(of: topic, count: 2)
        let truncated = try #require(dead.first { $0.key == Array("SMgarbage".utf8) })
        #expect(Self.header(truncated, "statusrelay-dlq-truncated") == "true")
        #expect(Self.header(truncated, "statusrelay-dlq-original-size") == "1000000")
        #expect(Self.header(truncated, "statusrelay-dlq-source") == "\(topic)/0/0")
        #expect(truncated.value.count < 1_000_000 && truncated.value.count > 800_000)
        #expect(truncated.value == Array(garbage.prefix(truncated.value.count)))
        let refused = try #require(dead.first { $0.key == Array(large.messageSid.utf8) })
        #expect(Self.header(refused, "statusrelay-dlq-kind") == "rejected")
        #expect(Self.header(refused, "statusrelay-dlq-sink") == "kafka")
        #expect(Self.header(refused, "statusrelay-dlq-source") == "\(topic)/0/1")
        #expect(Self.header(refused, "statusrelay-dlq-original-size") == String(largeJSON.count))
        await running.group.triggerGracefulShutdown()
        try await running.task.value
    }

    /// Issue 16 case 4: `/readyz` said ready while the partition made no progress. A sink that never
    /// answers (an HTTP target that accepts connections and says nothing) holds the batch; with
    /// records read and nothing committed for the stall timeout, `/readyz` must say so.
    @Test func readinessReportsAPartitionWithoutCommittedProgress() async throws {
        let topic = try await TestKafka.makeTopic("poison-stall", partitions: 1)
        let directory = try TestEnvironment.makeTemporaryDirectory("poison-stall")
        let port = try freePort()
        let silent = try ChildProcess(
            try TestEnvironment.python,
            arguments: [
                "-c",
                "import socket\ns=socket.socket()\ns.setsockopt(socket.SOL_SOCKET,socket.SO_REUSEADDR,1)\ns.bind(('127.0.0.1',\(port)))\ns.listen(64)\nkept=[]\nwhile True:\n  kept.append(s.accept()[0])\n",
            ],
            outputPath: (directory as NSString).appendingPathComponent("silent.log")
        )
        defer { silent.kill() }
        try await eventually(timeout: .seconds(10), "silent server listening") { isListening(port: port) }

        var configuration = try ConsumerPipelineTests.configuration(
            topic: topic, group: TestEnvironment.uniqueName("group"), sinks: ["http://127.0.0.1:\(port)/status"], window: .zero
        )
        configuration.forwardAuthToken = "stall-token"
        configuration.forwardRequestTimeout = .seconds(3600)
        configuration.service.stallTimeout = .seconds(2)
        configuration.service.shutdownGracePeriod = .seconds(1)
        let running = try await ConsumerPipelineTests.start(configuration)
        try await eventually(timeout: .seconds(60), "ready while idle") {
            try await ConsumerPipelineTests.get(running.adminPort, "/readyz").status == 200
        }
        let producer = try Self.producer()
        _ = try await producer.send(Self.record(SinkTestFixtures.event(SinkTestFixtures.messageSid(), "sent"), topic: topic))
        await producer.shutdown()
        try await eventually(timeout: .seconds(60), "not ready: no committed progress") {
            let ready = try await ConsumerPipelineTests.get(running.adminPort, "/readyz")
            return ready.status == 503 && ready.body.contains("no committed progress on partitions [0]")
        }
        // The HTTP write never ends: stop by cancellation.
        await running.group.triggerGracefulShutdown()
        silent.kill()
        running.task.cancel()
        _ = await running.task.result
    }
}
