import Foundation
import Kafka
import StatusEvents
import Testing
import TestSupport

/// Issue 18: `statusrelay replay` of a topic into an empty SQLite database writes exactly what the live
/// consumer wrote (statuses, history order, `late`, `sequence`), when some statuses arrive later than
/// the reorder window, some events twice and some under a key that is not their MessageSid (the live
/// consumer dead-letters those). Both through the built binaries and the real broker.
@Suite("Replay matches live", .serialized)
struct ReplayMatchesLiveTests {
    static func event(_ sid: String, _ status: String, at time: Int64) -> StatusEvent {
        StatusEvent(
            id: "ev-\(sid)-\(status)", messageSid: sid, accountSid: "AC00000000000000000000000000000000", status: status,
            statusRank: MessageLifecycle.rank(of: status), receivedAt: time,
            params: ["MessageSid": .single(sid), "MessageStatus": .single(status)]
        )
    }

    static func now() -> Int64 { Int64(Date().timeIntervalSince1970 * 1000) }

    @Test("Late, duplicated and mis-keyed events: the replay's tables equal the live consumer's")
    func replayEqualsLive() async throws {
        let topic = try await TestKafka.makeTopic("e2e-replay-live", partitions: 3)
        let directory = try TestEnvironment.makeTemporaryDirectory("e2e-replay-live")
        let live = (directory as NSString).appendingPathComponent("live.sqlite")
        let replayed = (directory as NSString).appendingPathComponent("replay.sqlite")
        let consumer = try ConsumerE2E.launchConsumer(
            topic: topic, group: TestEnvironment.uniqueName("group"), sinks: ["sqlite:\(live)"], directory: directory,
            window: "2s"
        )
        defer { consumer.kill() }
        try await ConsumerE2E.waitUntilAssigned(consumer)
        let producer = try ConsumerE2E.producer()

        // 36 messages, stamped as the ingress would (receivedAt = when it was sent); for 12 of them
        // `sent` is held back and sent 5 s after the rest, later than the 2 s window.
        let sids = (0..<36).map { "SM" + String(format: "%032d", $0) }
        let delayed = Set(sids.prefix(12))
        var first: [StatusEvent] = []
        let start = Self.now()
        for (index, sid) in sids.enumerated() {
            let base = start + Int64(index)
            first.append(Self.event(sid, "queued", at: base))
            if !delayed.contains(sid) { first.append(Self.event(sid, "sent", at: base + 40)) }
            first.append(Self.event(sid, "delivered", at: base + 80))
        }
        // Some arrive twice.
        first += first.enumerated().filter { $0.offset % 7 == 0 }.map(\.element)
        try await ConsumerE2E.produce(first, topic: topic, with: producer)
        // Records whose key is not their event's MessageSid (another message's sid, or none): never written.
        let misKeyed = (0..<4).map { Self.event("SM" + String(format: "%032d", 100 + $0), "failed", at: start + 60) }
        for (index, event) in misKeyed.enumerated() {
            let key = index % 2 == 0 ? Array(sids[index].utf8) : nil
            _ = try await producer.send(
                KafkaProducerMessage(topic: topic, key: key, value: StatusEventCodec.encode(event), headers: [], partition: nil)
            )
        }
        let firstCount = sids.count * 3 - delayed.count
        try await eventually(timeout: .seconds(60), "the first events released live") {
            ConsumerE2E.countSQLiteHistory(live) >= firstCount
        }
        let wait = start + 5_000 - Self.now()
        if wait > 0 { try await Task.sleep(for: .milliseconds(wait)) }
        let late = sids.filter { delayed.contains($0) }.map { Self.event($0, "sent", at: Self.now()) }
        try await ConsumerE2E.produce(late + late.prefix(3), topic: topic, with: producer)
        try await eventually(timeout: .seconds(60), "every event released live") {
            ConsumerE2E.countSQLiteHistory(live) >= sids.count * 3
        }
        await producer.shutdown()
        await consumer.stop()
        #expect(consumer.exitStatus == .exited(0))

        let binary = (try TestEnvironment.binDir as NSString).appendingPathComponent("statusrelay")
        var arguments = [
            "replay", "--from", "earliest", "--topic", topic, "--brokers", try TestEnvironment.brokers,
            "--sink", "sqlite:\(replayed)", "--reorder-window", "2s", "--no-progress",
        ]
        for (key, value) in TestEnvironment.consumerTuning.sorted(by: { $0.key < $1.key }) {
            arguments += ["--kafka-config", "\(key)=\(value)"]
        }
        let replay = try ChildProcess(binary, arguments: arguments)
        #expect(try await replay.waitForExit(timeout: .seconds(120)) == .exited(0), "\(replay.output())")
        #expect(replay.output().contains("\(misKeyed.count) dead-lettered"), "\(replay.output())")

        // The live run flagged every held-back status late, or this test proves nothing.
        let (history, _) = try ConsumerE2E.readSQLite(live)
        #expect(Set(history.filter(\.late).map(\.messageSid)) == delayed)
        #expect(history.count == sids.count * 3)
        #expect(!history.contains { $0.messageSid.hasPrefix("SM000000000000000000000000000001") })
        let liveTables = try ReplayTestSupport.snapshot(sqlite: live)
        let replayTables = try ReplayTestSupport.snapshot(sqlite: replayed)
        #expect(replayTables.history.count == liveTables.history.count)
        let differing = zip(liveTables.history, replayTables.history).filter { $0 != $1 }
        #expect(differing.isEmpty, "history rows differ (live, replay): \(differing.prefix(4))")
        #expect(replayTables.state == liveTables.state)
    }
}
