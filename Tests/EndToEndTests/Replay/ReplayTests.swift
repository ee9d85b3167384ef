import Foundation
import Kafka
import Operations
import StatusEvents
import Testing
import TestSupport

/// `statusrelay replay` against the real broker and the real SQLite sink.
@Suite("Replay")
struct ReplayTests {
    @Test("replaying a range into a fresh database twice gives identical contents; a second fresh replay too")
    func deterministicAndIdempotent() async throws {
        let topic = try await TestKafka.makeTopic("replay", partitions: 3)
        let start = Int64(Date().timeIntervalSince1970 * 1000) - 3_600_000
        var events = ReplayTestSupport.events(messages: 300, start: start, seed: 11)
        // Exact duplicate deliveries (same event id): dropped by the pipeline.
        let duplicates = Array(events.prefix(25))
        events.insert(contentsOf: duplicates, at: 100)
        try await ReplayTestSupport.produce(events, to: topic)

        let first = try ReplayTestSupport.sqlitePath("a.db")
        let result = try await ReplayTestSupport.replay(
            ReplayTestSupport.configuration(topic: topic, from: .earliest, sinks: ["sqlite:" + first])
        )
        #expect(result.read == Int64(events.count))
        #expect(result.total == Int64(events.count))
        #expect(result.duplicates == 25)
        #expect(result.released == Int64(events.count - 25))
        #expect(result.stoppedEarly.isEmpty)
        let snapshot = try ReplayTestSupport.snapshot(sqlite: first)
        #expect(snapshot.history.count == events.count - 25)
        #expect(snapshot.state.count == 300)

        // Again into the same database: nothing changes.
        let again = try await ReplayTestSupport.replay(
            ReplayTestSupport.configuration(topic: topic, from: .earliest, sinks: ["sqlite:" + first])
        )
        #expect(again.released == result.released)
        let snapshotAgain = try ReplayTestSupport.snapshot(sqlite: first)
        #expect(snapshotAgain.history == snapshot.history)
        #expect(snapshotAgain.state == snapshot.state)

        // Into another fresh database: the same rows (deterministic on event time).
        let second = try ReplayTestSupport.sqlitePath("b.db")
        _ = try await ReplayTestSupport.replay(
            ReplayTestSupport.configuration(topic: topic, from: .earliest, sinks: ["sqlite:" + second])
        )
        let snapshotSecond = try ReplayTestSupport.snapshot(sqlite: second)
        #expect(snapshotSecond.history == snapshot.history)
        #expect(snapshotSecond.state == snapshot.state)
    }

    @Test("replaying over data a previous (partial) run wrote only adds what is missing, then changes nothing")
    func overExistingData() async throws {
        let topic = try await TestKafka.makeTopic("replay", partitions: 3)
        let start = Int64(Date().timeIntervalSince1970 * 1000) - 3_600_000
        let events = ReplayTestSupport.events(messages: 200, start: start, seed: 12)
        try await ReplayTestSupport.produce(events, to: topic)

        let reference = try ReplayTestSupport.sqlitePath("reference.db")
        _ = try await ReplayTestSupport.replay(
            ReplayTestSupport.configuration(topic: topic, from: .earliest, sinks: ["sqlite:" + reference])
        )
        let expected = try ReplayTestSupport.snapshot(sqlite: reference)

        // A partial earlier run: the first half of partition 0 and all of partition 1.
        let admin = try KafkaAdminClient(bootstrapServers: try TestEnvironment.bootstrapServers, logger: TestKafka.logger())
        let watermarks = try await admin.watermarks(topic: topic)
        let target = try ReplayTestSupport.sqlitePath("target.db")
        _ = try await ReplayTestSupport.replay(
            ReplayTestSupport.configuration(
                topic: topic, from: .offsets([0: 0, 1: 0]), to: .offsets([0: watermarks[0]!.high / 2]),
                sinks: ["sqlite:" + target]
            )
        )
        let partial = try ReplayTestSupport.snapshot(sqlite: target)
        #expect(partial.history.count < expected.history.count)

        // Dry run over the partial data: it reports the missing messages and writes nothing.
        let dry = try await ReplayTestSupport.replay(
            ReplayTestSupport.configuration(topic: topic, from: .earliest, sinks: ["sqlite:" + target], dryRun: true)
        )
        let summary = try #require(dry.dryRun)
        #expect(summary.newEvents == expected.history.count - partial.history.count)
        #expect(summary.messagesChangingState > 0)
        #expect(summary.messages == 200)
        #expect(!summary.sample.isEmpty)
        let missing = Set(expected.state.map { String($0.prefix(60)) })
        #expect(summary.sample.allSatisfy { change in missing.contains { $0.contains(change.messageSid) } })
        let afterDry = try ReplayTestSupport.snapshot(sqlite: target)
        #expect(afterDry.history == partial.history && afterDry.state == partial.state)

        // The full replay completes the data: same rows as the reference, then a rerun changes nothing.
        _ = try await ReplayTestSupport.replay(
            ReplayTestSupport.configuration(topic: topic, from: .earliest, sinks: ["sqlite:" + target])
        )
        let completed = try ReplayTestSupport.snapshot(sqlite: target)
        #expect(completed.history.count == expected.history.count)
        #expect(Set(completed.state) == Set(expected.state))
        let dryAfter = try #require(
            try await ReplayTestSupport.replay(
                ReplayTestSupport.configuration(topic: topic, from: .earliest, sinks: ["sqlite:" + target], dryRun: true)
            ).dryRun
        )
        #expect(dryAfter.newEvents == 0)
        #expect(dryAfter.messagesChangingState == 0)
        _ = try await ReplayTestSupport.replay(
            ReplayTestSupport.configuration(topic: topic, from: .earliest, sinks: ["sqlite:" + target])
        )
        let rerun = try ReplayTestSupport.snapshot(sqlite: target)
        #expect(rerun.history == completed.history && rerun.state == completed.state)
    }

    @Test("--from TIME starts at the first record at or after it (offsets-for-times)")
    func fromTime() async throws {
        let topic = try await TestKafka.makeTopic("replay", partitions: 3)
        let start = Int64(Date().timeIntervalSince1970 * 1000) - 3_600_000
        let early = ReplayTestSupport.events(messages: 60, start: start, seed: 13)
        try await ReplayTestSupport.produce(early, to: topic)
        let admin = try KafkaAdminClient(bootstrapServers: try TestEnvironment.bootstrapServers, logger: TestKafka.logger())
        let afterEarly = try await admin.watermarks(topic: topic)
        try await Task.sleep(for: .milliseconds(1_500))
        let cut = Int64(Date().timeIntervalSince1970 * 1000)
        try await Task.sleep(for: .milliseconds(500))
        let late = ReplayTestSupport.events(messages: 40, start: start + 600_000, seed: 14)
        try await ReplayTestSupport.produce(late, to: topic)

        let configuration = try ReplayTestSupport.configuration(
            topic: topic, from: .time(cut), sinks: ["sqlite:" + (try ReplayTestSupport.sqlitePath("late.db"))]
        )
        let ranges = try await Replayer(configuration: configuration, logger: TestKafka.logger()).plan()
        #expect(ranges.count == 3)
        for range in ranges {
            #expect(range.start == afterEarly[range.partition]!.high)
        }
        #expect(ranges.reduce(0) { $0 + $1.count } == Int64(late.count))

        let result = try await ReplayTestSupport.replay(configuration)
        #expect(result.read == Int64(late.count))
        let snapshot = try ReplayTestSupport.snapshot(sqlite: String(configuration.sinks[0].dropFirst("sqlite:".count)))
        let lateSids = Set(late.map(\.messageSid))
        #expect(snapshot.state.count == lateSids.count)
        #expect(snapshot.state.allSatisfy { row in lateSids.contains { row.contains($0) } })
    }

    @Test("a dry run against an empty database counts every message; bad positions are clear errors")
    func dryRunAndErrors() async throws {
        let topic = try await TestKafka.makeTopic("replay", partitions: 2)
        let start = Int64(Date().timeIntervalSince1970 * 1000) - 3_600_000
        let events = ReplayTestSupport.events(messages: 50, start: start, seed: 15)
        try await ReplayTestSupport.produce(events, to: topic)
        let path = try ReplayTestSupport.sqlitePath("never.db")
        let result = try await ReplayTestSupport.replay(
            ReplayTestSupport.configuration(topic: topic, from: .earliest, sinks: ["sqlite:" + path], dryRun: true)
        )
        let summary = try #require(result.dryRun)
        #expect(summary.messages == 50)
        #expect(summary.messagesChangingState == 50)
        #expect(summary.newEvents == Int(result.released))
        #expect(summary.sample.count == 20)
        #expect(!FileManager.default.fileExists(atPath: path))

        await #expect(throws: ReplayError.self) {
            _ = try await ReplayTestSupport.replay(
                ReplayTestSupport.configuration(topic: topic, from: .offsets([7: 0]), sinks: ["sqlite:" + path])
            )
        }
    }
}
