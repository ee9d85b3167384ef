import Foundation
import Kafka
import Testing
import TestSupport

/// kill -9 the consumer at random points while events stream in, restart it, repeat: the SQLite sink
/// ends with exactly the expected history (nothing lost, no duplicate rows, sequences 1...n in
/// lifecycle order) and the JSONL sink holds every event, any re-written line carrying the same sequence.
@Suite struct ConsumerCrashTests {
    @Test func killNineAtRandomPointsLosesNothingAndDuplicatesNothing() async throws {
        let topic = try await TestKafka.makeTopic("e2e-crash", partitions: 3)
        let group = TestEnvironment.uniqueName("group")
        let directory = try TestEnvironment.makeTemporaryDirectory("e2e-crash")
        let database = (directory as NSString).appendingPathComponent("crash.sqlite")
        let jsonl = (directory as NSString).appendingPathComponent("crash.jsonl")
        let sinks = ["sqlite:\(database)", "jsonl:\(jsonl)"]
        var rng = SystemRandomNumberGenerator()
        let producer = try ConsumerE2E.producer()
        var expected: [String: [String]] = [:]

        var consumer = try ConsumerE2E.launchConsumer(topic: topic, group: group, sinks: sinks, directory: directory)
        var kills = 0
        var killedMidStream = 0
        for wave in 0..<8 {
            let (events, wanted) = ConsumerE2E.wave(messages: 300, prefix: "w\(wave)x", duplicates: 60, using: &rng)
            expected.merge(wanted) { $1 }
            try await ConsumerE2E.produce(events, topic: topic, with: producer)
            // Let it get somewhere (sometimes not even through start-up), then kill -9 and restart.
            try await Task.sleep(for: .milliseconds(Int.random(in: 500...6000, using: &rng)))
            let written = ConsumerE2E.countSQLiteHistory(database)
            let produced = expected.values.reduce(0) { $0 + $1.count }
            // Killed with events produced but not yet written. (Whether any were already read is up to
            // timing: a restarted member first waits out its killed predecessor's session.)
            if written < produced { killedMidStream += 1 }
            consumer.kill()
            _ = try await consumer.waitForExit(timeout: .seconds(10))
            kills += 1
            consumer = try ConsumerE2E.launchConsumer(topic: topic, group: group, sinks: sinks, directory: directory)
        }
        await producer.shutdown()
        let total = expected.values.reduce(0) { $0 + $1.count }
        try await eventually(timeout: .seconds(180), "all \(total) events in SQLite") {
            if let status = consumer.exitStatus { throw TestEnvironmentError("consumer exited \(status): \(consumer.output().suffix(2000))") }
            return ConsumerE2E.countSQLiteHistory(database) >= total
        }
        await consumer.stop()
        #expect(kills == 8)
        // The test proves something only if some kills hit a consumer that was part-way through.
        #expect(killedMidStream > 0, "no kill landed with events outstanding")

        let (history, current) = try ConsumerE2E.readSQLite(database)
        #expect(history.count == total)
        let problems = ConsumerE2E.problems(history: history, current: current, expected: expected)
        #expect(problems.isEmpty, "\(problems.prefix(10))")

        // JSONL is append-only: events written before a crash but not committed are written again,
        // always with the same sequence.
        let lines = try ConsumerE2E.readJSONL(jsonl)
        var sequences: [String: Set<Int>] = [:]
        for line in lines { sequences[line.id, default: []].insert(line.sequence) }
        let expectedIDs = Set(expected.values.joined())
        #expect(Set(sequences.keys) == expectedIDs, "JSONL holds every event")
        let inconsistent = sequences.filter { $0.value.count > 1 }
        #expect(inconsistent.isEmpty, "re-written lines changed sequence: \(inconsistent.prefix(5))")
    }
}
