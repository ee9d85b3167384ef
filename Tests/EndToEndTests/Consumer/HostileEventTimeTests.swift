import Foundation
import Kafka
import StatusEvents
import Testing
import TestSupport

/// Issue 16 items 5 and 6 through the built consumer binary and the real broker, with records written
/// straight to the topic as anyone with write access could: event times at the ends of `Int64`, and
/// one event ten years ahead of the clock.
@Suite("Hostile event times", .serialized)
struct HostileEventTimeTests {
    static let account = "AC00000000000000000000000000000000"

    static func event(_ sid: String, _ status: String, at time: Int64, id: String? = nil) -> StatusEvent {
        StatusEvent(
            id: id ?? "ev-\(sid)-\(status)", messageSid: sid, accountSid: account, status: status,
            statusRank: MessageLifecycle.rank(of: status), receivedAt: time,
            params: ["MessageSid": .single(sid), "MessageStatus": .single(status)]
        )
    }

    static func sid(_ name: String) -> String {
        "SM" + String(repeating: "0", count: 32 - name.count) + name
    }

    /// Produces `events` one after the other (so they keep this order in their partition).
    static func produceInOrder(_ events: [StatusEvent], topic: String, with producer: KafkaProducer) async throws {
        for event in events {
            _ = try await producer.send(KafkaProducerMessage(
                topic: topic, key: Array(event.messageSid.utf8), value: StatusEventCodec.encode(event), headers: [], partition: 0
            ))
        }
    }

    static func rows(_ database: String, _ sid: String) throws -> [ConsumerE2E.HistoryRow] {
        try ConsumerE2E.readSQLite(database).history.filter { $0.messageSid == sid }.sorted { $0.sequence < $1.sequence }
    }

    @Test("Event times at the ends of Int64 neither crash the consumer nor stop its partition")
    func extremeEventTimes() async throws {
        let topic = try await TestKafka.makeTopic("e2e-extreme-time", partitions: 1)
        let directory = try TestEnvironment.makeTemporaryDirectory("e2e-extreme-time")
        let database = (directory as NSString).appendingPathComponent("extreme.sqlite")
        let consumer = try ConsumerE2E.launchConsumer(
            topic: topic, group: TestEnvironment.uniqueName("group"), sinks: ["sqlite:\(database)"], directory: directory,
            window: "1s"
        )
        defer { consumer.kill() }
        try await ConsumerE2E.waitUntilAssigned(consumer)

        let producer = try ConsumerE2E.producer()
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        let extremes: [Int64] = [.min, .min + 1, -1, .max - 1, .max]
        // Each extreme first (the consumer's first record: its watermark starts there), then ordinary
        // traffic out of order within the window.
        var events: [StatusEvent] = []
        for (index, time) in extremes.enumerated() {
            events.append(Self.event(Self.sid("e\(index)"), "sent", at: time))
        }
        events += [
            Self.event(Self.sid("a1"), "delivered", at: now + 200), Self.event(Self.sid("a1"), "queued", at: now),
            Self.event(Self.sid("a1"), "sent", at: now + 100),
        ]
        try await Self.produceInOrder(events, topic: topic, with: producer)
        try await eventually(timeout: .seconds(60), "every record in SQLite") {
            consumer.exitStatus != nil || ConsumerE2E.countSQLiteHistory(database) >= events.count
        }
        try #require(consumer.exitStatus == nil, "the consumer exited: \(consumer.output().suffix(3000))")
        #expect(try Self.rows(database, Self.sid("a1")).map(\.status) == ["queued", "sent", "delivered"])
        for (index, _) in extremes.enumerated() {
            #expect(try Self.rows(database, Self.sid("e\(index)")).count == 1)
        }
        // A restart re-reads nothing committed and still does not crash; later traffic goes on.
        await consumer.stop()
        #expect(consumer.exitStatus == .exited(0), "\(consumer.output().suffix(2000))")
        let restarted = try ConsumerE2E.launchConsumer(
            topic: topic, group: TestEnvironment.uniqueName("group-restart"), sinks: ["sqlite:\(database)"],
            directory: directory, name: "restarted", window: "1s"
        )
        defer { restarted.kill() }
        try await ConsumerE2E.waitUntilAssigned(restarted)
        try await Self.produceInOrder([Self.event(Self.sid("a2"), "sent", at: now + 5_000)], topic: topic, with: producer)
        try await eventually(timeout: .seconds(60), "the new group read everything again") {
            restarted.exitStatus != nil || (try? Self.rows(database, Self.sid("a2")).count) == 1
        }
        try #require(restarted.exitStatus == nil, "the restarted consumer exited: \(restarted.output().suffix(3000))")
        #expect(restarted.isRunning)
        await restarted.stop()
        await producer.shutdown()
    }

    @Test("An event ten years ahead keeps other messages in order, expires no state and is flagged")
    func eventFromTheFuture() async throws {
        let topic = try await TestKafka.makeTopic("e2e-future-time", partitions: 1)
        let directory = try TestEnvironment.makeTemporaryDirectory("e2e-future-time")
        let database = (directory as NSString).appendingPathComponent("future.sqlite")
        let jsonl = (directory as NSString).appendingPathComponent("future.jsonl")
        let consumer = try ConsumerE2E.launchConsumer(
            topic: topic, group: TestEnvironment.uniqueName("group"), sinks: ["sqlite:\(database)", "jsonl:\(jsonl)"],
            directory: directory, window: "2s"
        )
        defer { consumer.kill() }
        try await ConsumerE2E.waitUntilAssigned(consumer)
        let producer = try ConsumerE2E.producer()

        func now() -> Int64 { Int64(Date().timeIntervalSince1970 * 1000) }
        let before = Self.event(Self.sid("b0"), "sent", at: now())
        try await Self.produceInOrder([before], topic: topic, with: producer)
        try await eventually(timeout: .seconds(30), "the first event released") { ConsumerE2E.countSQLiteHistory(database) >= 1 }

        let tenYears: Int64 = 10 * 365 * 86_400_000
        let future = Self.event(Self.sid("f1"), "delivered", at: now() + tenYears)
        try await Self.produceInOrder([future], topic: topic, with: producer)
        try await eventually(timeout: .seconds(30), "the future event released") { ConsumerE2E.countSQLiteHistory(database) >= 2 }
        // Long enough for the consumer's state retention scan (every 10 s) to have run since.
        try await Task.sleep(for: .seconds(11))

        // Another message's statuses out of order within the window, and an exact duplicate of `before`.
        let t = now()
        try await Self.produceInOrder(
            [Self.event(Self.sid("c1"), "delivered", at: t + 300), Self.event(Self.sid("c1"), "sent", at: t), before],
            topic: topic, with: producer
        )
        try await eventually(timeout: .seconds(30), "the later statuses released") {
            (try? Self.rows(database, Self.sid("c1")).count) == 2
        }
        // The duplicate would have arrived with them; give it a window and a tick more.
        try await Task.sleep(for: .seconds(3))
        await consumer.stop()
        await producer.shutdown()

        let c1 = try Self.rows(database, Self.sid("c1"))
        #expect(c1.map(\.status) == ["sent", "delivered"], "consumer log: \(consumer.output().suffix(2000))")
        #expect(c1.map(\.late) == [false, false])
        let f1 = try Self.rows(database, Self.sid("f1"))
        #expect(f1.map(\.status) == ["delivered"])
        // SQLite keeps one row per event id whatever happens; the JSONL sink shows every release.
        let lines = try ConsumerE2E.readJSONL(jsonl)
        #expect(lines.filter { $0.sid == Self.sid("b0") }.map(\.sequence) == [1], "the duplicate came through again")
        #expect(lines.count == 4)
        #expect(consumer.exitStatus == .exited(0))
    }
}
