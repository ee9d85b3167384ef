import Consumer
import Foundation
import Kafka
import StatusEvents
import Testing
import TestSupport

/// Issue 17 §1 and the trusted-rank defect through the whole consumer in-process (its service group)
/// against the real broker, SQLite and PostgreSQL: the current status follows `CurrentStatusRule` in
/// every sink and on the ordered stream, and a record whose `statusRank` is not its status's is
/// dead-lettered with the reason, never stored.
@Suite("Status truth through the consumer", .serialized)
struct StatusTruthPipelineTests {
    @Test func theCurrentStatusFollowsTheRuleAndAForgedRankIsDeadLettered() async throws {
        let topic = try await TestKafka.makeTopic("status-truth", partitions: 1)
        let directory = try TestEnvironment.makeTemporaryDirectory("status-truth")
        let jsonl = (directory as NSString).appendingPathComponent("out.jsonl")
        let sqlite = (directory as NSString).appendingPathComponent("out.sqlite")
        let postgres = try PostgresSinkTests.uniqueURL()
        let t: Int64 = 1_780_000_000_000
        let sameRankInOrder = SinkTestFixtures.messageSid()
        let sameRankReversed = SinkTestFixtures.messageSid()
        let forged = SinkTestFixtures.messageSid()
        // `delivered` then a later `failed` (the same rank): `failed` is current, not late.
        let inOrder = [
            SinkTestFixtures.event(sameRankInOrder, "delivered", at: t), SinkTestFixtures.event(sameRankInOrder, "failed", at: t + 100),
        ]
        // The same, arriving the other way round: `delivered` comes late and changes nothing.
        let reversed = [
            SinkTestFixtures.event(sameRankReversed, "failed", at: t + 100), SinkTestFixtures.event(sameRankReversed, "delivered", at: t),
        ]
        // `sent` claiming rank 1000 would make every later status late; then the real `delivered`.
        var forgedSent = SinkTestFixtures.event(forged, "sent", at: t, id: "forged-rank")
        forgedSent.statusRank = 1000
        let delivered = SinkTestFixtures.event(forged, "delivered", at: t + 50)

        let producer = try PoisonRecordTests.producer()
        for event in inOrder + reversed + [forgedSent, delivered] {
            _ = try await producer.send(PoisonRecordTests.record(event, topic: topic))
        }
        await producer.shutdown()

        let configuration = try ConsumerPipelineTests.configuration(
            topic: topic, group: TestEnvironment.uniqueName("group"),
            sinks: ["jsonl:\(jsonl)", "sqlite:\(sqlite)", postgres], window: .zero
        )
        let running = try await ConsumerPipelineTests.start(configuration)
        try await eventually(timeout: .seconds(60), "every valid event on the stream") {
            try ReleasedRecord.read(jsonl: jsonl).count == 5
        }
        let dead = try await PoisonRecordTests.deadLetters(of: topic, count: 1)
        await running.group.triggerGracefulShutdown()
        try await running.task.value

        #expect(dead.count == 1)
        #expect(dead.first?.value == StatusEventCodec.encode(forgedSent))
        #expect(PoisonRecordTests.header(dead[0], "statusrelay-dlq-kind") == "undecodable")
        #expect(
            PoisonRecordTests.header(dead[0], "statusrelay-dlq-reason")?
                .contains(#"statusRank 1000 does not match status "sent", whose rank is 40"#) == true,
            "\(PoisonRecordTests.header(dead[0], "statusrelay-dlq-reason") ?? "no reason")"
        )

        // The stream: a message's current status is its last record with late: false.
        let stream = try ReleasedRecord.read(jsonl: jsonl)
        func lateFlags(_ sid: String) -> [String] { stream.filter { $0.messageSid == sid }.map { "\($0.status)\($0.late ? " (late)" : "")" } }
        #expect(lateFlags(sameRankInOrder) == ["delivered", "failed"])
        #expect(lateFlags(sameRankReversed) == ["failed", "delivered (late)"])
        #expect(lateFlags(forged) == ["delivered"])

        let expected = [sameRankInOrder: "failed", sameRankReversed: "failed", forged: "delivered"]
        let inspectors: [(String, any StateSinkInspector)] = [
            ("SQLite", SQLiteSinkTests.Inspector(path: sqlite)), ("PostgreSQL", PostgresSinkTests.Inspector(url: postgres)),
        ]
        for (name, inspector) in inspectors {
            let statuses = try await inspector.statuses()
            for (sid, status) in expected {
                #expect(statuses[sid]?.status == status, "\(name) \(sid)")
                #expect(statuses[sid]?.statusRank == 60, "\(name) \(sid)")
            }
            #expect(try await inspector.history().contains { $0.eventID == "forged-rank" } == false, "\(name)")
        }
    }
}
