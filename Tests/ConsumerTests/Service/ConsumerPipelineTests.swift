import Consumer
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Kafka
import Logging
import ServiceLifecycle
import StatusEvents
import StatusRelayCore
import TestSupport
import Synchronization
import Testing

/// The whole consumer (ConsumerApplication's service group) in-process against the real broker, with
/// a JSONL sink: reordering, dedupe, dead-lettering, admin endpoints, and restart without re-emission.
@Suite struct ConsumerPipelineTests {
    struct Running {
        var group: ServiceGroup
        var task: Task<Void, any Error>
        var adminPort: Int
    }

    static func configuration(topic: String, group: String, sinks: [String], window: Duration = .seconds(1)) throws -> ConsumerConfiguration {
        var configuration = ConsumerConfiguration(topic: topic)
        configuration.brokers = try TestEnvironment.bootstrapServers
        configuration.group = group
        configuration.sinks = sinks
        configuration.adminListen = HostPort(host: "127.0.0.1", port: 0)
        configuration.kafkaConfig = TestEnvironment.consumerTuning
        configuration.service.reorder = ReorderConfiguration(window: window)
        return configuration
    }

    static func start(_ configuration: ConsumerConfiguration) async throws -> Running {
        let port = PortBox()
        let group = try await ConsumerApplication.makeServiceGroup(
            configuration: configuration, logger: TestKafka.logger("test.consumer", level: .info), gracefulShutdownSignals: []
        ) { bound in port.set(bound) }
        let task = Task { try await group.run() }
        try await eventually(timeout: .seconds(30), "admin server listening") { port.value != nil }
        return Running(group: group, task: task, adminPort: port.value!)
    }

    static func produce(_ events: [StatusEvent], to topic: String, extra: [KafkaProducerMessage] = []) async throws {
        let producer = try KafkaProducer(configuration: try TestKafka.producerConfiguration(), logger: TestKafka.logger())
        for event in events {
            _ = try await producer.send(
                KafkaProducerMessage(topic: topic, key: Array(event.messageSid.utf8), value: StatusEventCodec.encode(event), headers: [], partition: nil)
            )
        }
        for message in extra { _ = try await producer.send(message) }
        await producer.shutdown()
    }

    static func get(_ port: Int, _ path: String) async throws -> (status: Int, body: String) {
        let url = URL(string: "http://127.0.0.1:\(port)\(path)")!
        let (data, response) = try await URLSession.shared.data(from: url)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, String(decoding: data, as: UTF8.self))
    }

    @Test func reordersDedupesDeadLettersAndResumesWithoutReemitting() async throws {
        let topic = try await TestKafka.makeTopic("consumer-pipeline", partitions: 3)
        let groupID = TestEnvironment.uniqueName("group")
        let directory = try TestEnvironment.makeTemporaryDirectory("consumer-pipeline")
        let jsonl = (directory as NSString).appendingPathComponent("out.jsonl")
        let lifecycles = Lifecycles(messages: 40, duplicates: 15, shuffle: 600, seed: 7)
        let garbage = KafkaProducerMessage(topic: topic, key: Array("SMgarbage".utf8), value: Array("{not json".utf8), headers: [], partition: nil)
        try await Self.produce(lifecycles.arrivals, to: topic, extra: [garbage])

        let configuration = try Self.configuration(topic: topic, group: groupID, sinks: ["jsonl:\(jsonl)"])
        var running = try await Self.start(configuration)
        try await eventually(timeout: .seconds(60), "all events in the JSONL sink") {
            try ReleasedRecord.read(jsonl: jsonl).count >= lifecycles.eventCount
        }
        // The readiness, liveness and metrics endpoints.
        #expect(try await Self.get(running.adminPort, "/healthz").status == 200)
        #expect(try await Self.get(running.adminPort, "/readyz").status == 200)
        try await eventually(timeout: .seconds(10), "metrics show the duplicates and the dead letter") {
            let metrics = try await Self.get(running.adminPort, "/metrics").body
            return metrics.contains("statusrelay_consumer_duplicate_events_total{kind=\"event_id\"} 15")
                && metrics.contains("statusrelay_consumer_decode_errors_total 1")
                && metrics.contains("statusrelay_consumer_buffered_events")
        }

        await running.group.triggerGracefulShutdown()
        try await running.task.value
        let first = try ReleasedRecord.read(jsonl: jsonl)
        #expect(exactContentsProblems(first, expected: lifecycles.expected) == [])
        #expect(first.count == lifecycles.eventCount)

        // The undecodable record went to the dead-letter topic.
        let admin = try KafkaAdminClient(bootstrapServers: try TestEnvironment.bootstrapServers, logger: TestKafka.logger())
        let dlqPartitions = try await admin.partitions(of: "\(topic).dlq")
        let dlq = try KafkaConsumer(
            assignment: dlqPartitions.map {
                KafkaTopicPartitionOffset(topic: "\(topic).dlq", partition: $0, offset: KafkaTopicPartitionOffset.beginning)
            },
            configuration: try TestKafka.consumerConfiguration(topics: [], groupID: ""),
            logger: TestKafka.logger()
        )
        let dlqRun = Task { try await dlq.run() }
        let dead = try await TestKafka.collect(1, from: dlq, timeout: .seconds(30))
        #expect(dead.first?.value == Array("{not json".utf8))
        #expect(dead.first?.headers.contains { $0.key == "statusrelay-dlq-reason" } == true)
        dlqRun.cancel()

        // Restart: a replayed duplicate is dropped, a new status continues the message's sequence.
        let (sid, ids) = lifecycles.expected.min { $0.key < $1.key }!
        let old = TestEvents.make(sid: sid, status: "queued", at: 1, id: ids[0])
        let newer = TestEvents.make(
            sid: sid, status: "read", at: Int64(Date().timeIntervalSince1970 * 1000), id: "ev-\(sid)-read-again"
        )
        try await Self.produce([old, newer], to: topic)
        running = try await Self.start(configuration)
        try await eventually(timeout: .seconds(60), "the new event in the JSONL sink") {
            try ReleasedRecord.read(jsonl: jsonl).contains { $0.id == newer.id }
        }
        await running.group.triggerGracefulShutdown()
        try await running.task.value
        let second = try ReleasedRecord.read(jsonl: jsonl)
        #expect(second.count == first.count + 1, "only the new event was written after the restart")
        let added = try #require(second.last)
        #expect(added.id == newer.id)
        #expect(added.sequence == ids.count + 1)
        // `read` is above every status of these lifecycles, and later than a previous `read`: current
        // (`CurrentStatusRule`), so not late.
        #expect(added.late == false)
    }

    /// The JSONL sink accepts a batch before its I/O finished; the writer flushes every sink before
    /// it commits. With a sink that can never write (`/dev/full`), nothing may be committed, so a
    /// restart with a working sink delivers every event.
    @Test func nothingIsCommittedBeforeTheSinksFlushed() async throws {
        let topic = try await TestKafka.makeTopic("consumer-flush", partitions: 2)
        let groupID = TestEnvironment.uniqueName("group")
        let directory = try TestEnvironment.makeTemporaryDirectory("consumer-flush")
        let jsonl = (directory as NSString).appendingPathComponent("out.jsonl")
        let lifecycles = Lifecycles(messages: 30, duplicates: 0, shuffle: 0, seed: 11)
        try await Self.produce(lifecycles.arrivals, to: topic)

        var failing = try Self.configuration(topic: topic, group: groupID, sinks: ["jsonl:/dev/full"], window: .zero)
        failing.service.commitInterval = .milliseconds(200)
        failing.service.shutdownGracePeriod = .seconds(1)
        let running = try await Self.start(failing)
        try await eventually(timeout: .seconds(60), "the failed flush reported") {
            let ready = try await Self.get(running.adminPort, "/readyz")
            return ready.status == 503 && ready.body.contains("sink unavailable")
        }
        // Several checkpoint intervals: each one would have committed had the flush been skipped.
        try await Task.sleep(for: .seconds(2))
        await running.group.triggerGracefulShutdown()
        _ = await running.task.result  // gives up the flush after the grace period

        let working = try Self.configuration(topic: topic, group: groupID, sinks: ["jsonl:\(jsonl)"], window: .zero)
        let restarted = try await Self.start(working)
        try await eventually(timeout: .seconds(60), "every event in the JSONL sink") {
            try ReleasedRecord.read(jsonl: jsonl).count >= lifecycles.eventCount
        }
        await restarted.group.triggerGracefulShutdown()
        try await restarted.task.value
        #expect(exactContentsProblems(try ReleasedRecord.read(jsonl: jsonl), expected: lifecycles.expected) == [])
    }

    @Test func expiredStatesAreTombstonedAndNotRestored() async throws {
        let topic = try await TestKafka.makeTopic("consumer-expiry", partitions: 1)
        let groupID = TestEnvironment.uniqueName("group")
        let directory = try TestEnvironment.makeTemporaryDirectory("consumer-expiry")
        let jsonl = (directory as NSString).appendingPathComponent("out.jsonl")
        let hour: Int64 = 3_600_000
        let start = Int64(Date().timeIntervalSince1970 * 1000) - 10 * hour
        // SMold's last event is 3 h (event time) before SMnew's: past a 1 h retention.
        let old = [
            TestEvents.make(sid: "SMold", status: "sent", at: start, id: "old-sent"),
            TestEvents.make(sid: "SMold", status: "delivered", at: start + 1_000, id: "old-delivered"),
        ]
        let new = TestEvents.make(sid: "SMnew", status: "sent", at: start + 3 * hour, id: "new-sent")
        try await Self.produce(old + [new], to: topic)

        var configuration = try Self.configuration(topic: topic, group: groupID, sinks: ["jsonl:\(jsonl)"], window: .zero)
        configuration.service.reorder = ReorderConfiguration(window: .zero, stateRetention: .seconds(3600))
        var running = try await Self.start(configuration)
        try await eventually(timeout: .seconds(60), "the expiry counted") {
            try await Self.get(running.adminPort, "/metrics").body.contains("statusrelay_consumer_expired_states_total 1")
        }
        await running.group.triggerGracefulShutdown()
        try await running.task.value
        #expect(try ReleasedRecord.read(jsonl: jsonl).map(\.id) == ["old-sent", "old-delivered", "new-sent"])

        // The changelog's last record for SMold is a tombstone; SMnew keeps its state.
        let stateTopic = configuration.stateTopic
        #expect(stateTopic == "\(topic).state.\(groupID)")
        let admin = try KafkaAdminClient(bootstrapServers: try TestEnvironment.bootstrapServers, logger: TestKafka.logger())
        let (_, high) = try await admin.watermarks(topic: stateTopic, partition: 0)
        let reader = try KafkaConsumer(
            assignment: [KafkaTopicPartitionOffset(topic: stateTopic, partition: 0, offset: KafkaTopicPartitionOffset.beginning)],
            configuration: try TestKafka.consumerConfiguration(topics: [], groupID: ""),
            logger: TestKafka.logger()
        )
        let readerRun = Task { try await reader.run() }
        let records = try await TestKafka.collect(Int(high), from: reader, timeout: .seconds(30))
        readerRun.cancel()
        var last: [String: [UInt8]] = [:]
        for record in records { last[String(decoding: record.key ?? [], as: UTF8.self)] = record.value }
        #expect(last["SMold"] == [])
        #expect(last["SMnew"]?.isEmpty == false)

        // After a restart SMold is unknown: a re-delivered old callback starts it afresh.
        try await Self.produce([old[1]], to: topic)
        running = try await Self.start(configuration)
        try await eventually(timeout: .seconds(60), "the re-delivered event in the JSONL sink") {
            try ReleasedRecord.read(jsonl: jsonl).count == 4
        }
        await running.group.triggerGracefulShutdown()
        try await running.task.value
        let again = try #require(try ReleasedRecord.read(jsonl: jsonl).last)
        #expect(again.id == "old-delivered")
        #expect(again.sequence == 1)
    }
}

final class PortBox: Sendable {
    private let state = Mutex<Int?>(nil)
    var value: Int? { state.withLock { $0 } }
    func set(_ port: Int) { state.withLock { $0 = port } }
}
