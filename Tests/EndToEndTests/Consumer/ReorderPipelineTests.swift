import Foundation
import Kafka
import StatusEvents
import Testing
import TestSupport

/// The reorder property through the real pipeline (built consumer binary, real broker, SQLite and
/// JSONL sinks): shuffled lifecycles with duplicates come out once each, in lifecycle order; events
/// delayed far beyond the window come out late and never move the current status backwards.
@Suite struct ReorderPipelineTests {
    @Test func shuffledDuplicatedAndLateEventsThroughTheRealPipeline() async throws {
        let topic = try await TestKafka.makeTopic("e2e-reorder", partitions: 3)
        let directory = try TestEnvironment.makeTemporaryDirectory("e2e-reorder")
        let database = (directory as NSString).appendingPathComponent("reorder.sqlite")
        let jsonl = (directory as NSString).appendingPathComponent("reorder.jsonl")
        var rng = SystemRandomNumberGenerator()
        let consumer = try ConsumerE2E.launchConsumer(
            topic: topic, group: TestEnvironment.uniqueName("group"), sinks: ["sqlite:\(database)", "jsonl:\(jsonl)"],
            directory: directory, window: "2s"
        )
        defer { consumer.kill() }
        try await ConsumerE2E.waitUntilAssigned(consumer)

        // In time: shuffled by up to 1.5 s of a 2 s window, with duplicates.
        let (events, expected) = ConsumerE2E.wave(messages: 400, prefix: "o", shuffle: 1500, duplicates: 200, using: &rng)
        // Held back: for some messages, the first status is withheld and sent well after the rest was released.
        var withheld: [StatusEvent] = []
        var inTime: [StatusEvent] = []
        let delayedMessages = Set(expected.keys.sorted().prefix(40))
        for event in events {
            if delayedMessages.contains(event.messageSid), expected[event.messageSid]?.first == event.id {
                if !withheld.contains(where: { $0.id == event.id }) { withheld.append(event) }
            } else {
                inTime.append(event)
            }
        }
        let producer = try ConsumerE2E.producer()
        try await ConsumerE2E.produce(inTime, topic: topic, with: producer)
        let inTimeCount = expected.values.reduce(0) { $0 + $1.count } - withheld.count
        try await eventually(timeout: .seconds(60), "in-time events released") {
            ConsumerE2E.countSQLiteHistory(database) >= inTimeCount
        }
        try await ConsumerE2E.produce(withheld, topic: topic, with: producer)
        await producer.shutdown()
        let total = expected.values.reduce(0) { $0 + $1.count }
        try await eventually(timeout: .seconds(60), "late events released") {
            ConsumerE2E.countSQLiteHistory(database) >= total
        }
        await consumer.stop()

        let (history, current) = try ConsumerE2E.readSQLite(database)
        #expect(history.count == total)
        let onTime = expected.filter { !delayedMessages.contains($0.key) }
        let problems = ConsumerE2E.problems(history: history, current: current, expected: onTime)
            .filter { !$0.hasPrefix("unexpected messages") }
        #expect(problems.isEmpty, "\(problems.prefix(10))")
        for sid in delayedMessages {
            let ids = expected[sid]!
            let rows = history.filter { $0.messageSid == sid }.sorted { $0.sequence < $1.sequence }
            // The withheld first status comes last, flagged late; the rest in order; state not regressed.
            #expect(rows.map(\.eventID) == Array(ids.dropFirst()) + [ids[0]], "\(sid)")
            #expect(rows.map(\.late) == Array(repeating: false, count: ids.count - 1) + [true], "\(sid)")
            #expect(rows.map(\.sequence) == Array(1...ids.count))
            #expect(current[sid] == String(ids.last!.split(separator: "-").last!), "\(sid) current status regressed")
        }
        // The JSONL sink received the same stream: each event once (no crash here), same sequences.
        let lines = try ConsumerE2E.readJSONL(jsonl)
        #expect(lines.count == total)
        let bySQLite = Dictionary(uniqueKeysWithValues: history.map { ($0.eventID, ($0.sequence, $0.late)) })
        #expect(lines.allSatisfy { line in bySQLite[line.id].map { $0.0 == line.sequence && $0.1 == line.late } ?? false })
    }
}
