import Foundation
import Kafka
import Testing
import TestSupport

/// Two consumers in a group, a third joins, one leaves, all while producing: one shared SQLite file
/// (WAL) ends with exactly the expected history.
@Suite struct ConsumerRebalanceTests {
    @Test func consumersJoiningAndLeavingLoseAndDuplicateNothing() async throws {
        let topic = try await TestKafka.makeTopic("e2e-rebalance", partitions: 6)
        let group = TestEnvironment.uniqueName("group")
        let directory = try TestEnvironment.makeTemporaryDirectory("e2e-rebalance")
        let database = (directory as NSString).appendingPathComponent("shared.sqlite")
        let sinks = ["sqlite:\(database)"]
        var rng = SystemRandomNumberGenerator()
        let producer = try ConsumerE2E.producer()
        var expected: [String: [String]] = [:]
        var wave = 0
        func produceWave() async throws {
            let (events, wanted) = ConsumerE2E.wave(messages: 200, prefix: "r\(wave)x", duplicates: 30, using: &rng)
            wave += 1
            expected.merge(wanted) { $1 }
            try await ConsumerE2E.produce(events, topic: topic, with: producer)
        }

        let first = try ConsumerE2E.launchConsumer(topic: topic, group: group, sinks: sinks, directory: directory, name: "c1")
        let second = try ConsumerE2E.launchConsumer(topic: topic, group: group, sinks: sinks, directory: directory, name: "c2")
        defer { first.kill(); second.kill() }
        try await produceWave()
        try await ConsumerE2E.waitUntilAssigned(first)
        try await produceWave()
        try await Task.sleep(for: .seconds(2))
        try await produceWave()

        let third = try ConsumerE2E.launchConsumer(topic: topic, group: group, sinks: sinks, directory: directory, name: "c3")
        defer { third.kill() }
        for _ in 0..<3 {
            try await produceWave()
            try await Task.sleep(for: .seconds(1))
        }
        try await ConsumerE2E.waitUntilAssigned(third)
        // One leaves (gracefully), while events keep coming.
        let stopping = Task { await first.stop() }
        for _ in 0..<3 {
            try await produceWave()
            try await Task.sleep(for: .milliseconds(700))
        }
        await stopping.value
        await producer.shutdown()

        let total = expected.values.reduce(0) { $0 + $1.count }
        try await eventually(timeout: .seconds(180), "all \(total) events in SQLite") {
            ConsumerE2E.countSQLiteHistory(database) >= total
        }
        // A little longer: nothing more may arrive (no duplicate rows after the fact).
        try await Task.sleep(for: .seconds(4))
        await second.stop()
        await third.stop()
        #expect(first.exitStatus == .exited(0), "graceful leave: \(first.output().suffix(1500))")

        let (history, current) = try ConsumerE2E.readSQLite(database)
        #expect(history.count == total)
        let problems = ConsumerE2E.problems(history: history, current: current, expected: expected)
        #expect(problems.isEmpty, "\(problems.prefix(10))")
    }
}
