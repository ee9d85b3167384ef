import Foundation
import Logging
import Testing
import TestSupport

@testable import Consumer

/// Sink write throughput, printed rather than asserted (speed targets are checked in benchmarks, never
/// in tests). Runs only when STATUSRELAY_SINK_BENCH=1:
///   STATUSRELAY_SINK_BENCH=1 scripts/testing/with-test-env.sh scripts/swift.sh test --skip-build --filter SinkThroughput
/// These run in a debug build; for figures use the release-mode `statusrelay bench sink --sink URL`.
@Suite("Sink throughput", .serialized, .enabled(if: ProcessInfo.processInfo.environment["STATUSRELAY_SINK_BENCH"] == "1"))
struct SinkThroughputTests {
    static let messages = 20_000
    static let batchSize = 1_000

    /// `messages` × 5 statuses, in release order per message, spread over the batches.
    static func events() -> [ReleasedEvent] {
        let statuses = ["queued", "sent", "delivered", "read", "sent"]
        var events: [ReleasedEvent] = []
        events.reserveCapacity(messages * statuses.count)
        let sids = (0..<messages).map { String(format: "SM%032x", $0 + Int.random(in: 0..<1_000_000_000)) }
        for round in 0..<statuses.count {
            for (index, sid) in sids.enumerated() {
                events.append(
                    ReleasedEvent(
                        event: SinkTestFixtures.event(sid, statuses[round], at: 1_780_000_000_000 + Int64(round * 1000 + index)),
                        sequence: round + 1, late: round == 4, topic: "bench", partition: 0,
                        offset: Int64(round * messages + index)
                    )
                )
            }
        }
        return events
    }

    static func measure(_ sink: any EventSink) async throws {
        let events = Self.events()
        try await sink.start()
        let started = ContinuousClock.now
        for start in stride(from: 0, to: events.count, by: batchSize) {
            try await sink.write(Array(events[start..<min(start + batchSize, events.count)]))
        }
        let elapsed = ContinuousClock.now - started
        try await sink.shutdown()
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        print("SINK THROUGHPUT \(sink.name): \(events.count) events in \(String(format: "%.2f", seconds)) s = \(Int(Double(events.count) / seconds)) events/s (batches of \(batchSize))")
    }

    @Test func sqlite() async throws {
        let path = (try TestEnvironment.makeTemporaryDirectory("bench-sqlite") as NSString).appendingPathComponent("bench.db")
        try await Self.measure(SQLiteSink(path: path, logger: Logger(label: "bench")))
    }

    @Test func postgres() async throws {
        try await Self.measure(try PostgresSink(url: try PostgresSinkTests.uniqueURL(), logger: Logger(label: "bench")))
    }

    @Test func jsonl() async throws {
        let path = (try TestEnvironment.makeTemporaryDirectory("bench-jsonl") as NSString).appendingPathComponent("bench.jsonl")
        try await Self.measure(JSONLinesSink(path: path, logger: Logger(label: "bench")))
    }
}
