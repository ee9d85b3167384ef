import Foundation
import Logging
import StatusEvents
import Testing
import TestSupport

@testable import Consumer

/// Issue 17 §1: the reorderer's state, the ordered stream (its last record with `late: false`) and
/// both SQL sinks (real SQLite, real PostgreSQL) name the same current status for the same events,
/// whatever order they arrive in and however they are batched, and it is `CurrentStatusRule`'s.
@Suite("Current status agreement", .serialized)
struct CurrentStatusAgreementTests {
    static let statuses = ["queued", "sent", "delivered", "undelivered", "failed", "canceled", "read", "received", "mystery"]

    /// One message's events: random statuses, few distinct times (ties of rank and time), ids whose
    /// byte order differs from a locale's (`B` < `a`).
    static func messageEvents(_ sid: String, using rng: inout SeededGenerator) -> [StatusEvent] {
        let idAlphabet = Array("aBcD0é")
        var ids: Set<String> = []
        return (0..<Int.random(in: 1...6, using: &rng)).compactMap { _ in
            let id = String((0..<3).map { _ in idAlphabet.randomElement(using: &rng)! })
            guard ids.insert(id).inserted else { return nil }
            return TestEvents.make(sid: sid, status: statuses.randomElement(using: &rng)!, at: Int64.random(in: 0...2, using: &rng), id: id)
        }
    }

    /// `events` with every id and sid prefixed, so that many runs share one database.
    static func prefixed(_ events: [StatusEvent], _ prefix: String) -> [StatusEvent] {
        events.map { event in
            var copy = event
            copy.id = prefix + event.id
            copy.messageSid = event.messageSid + prefix
            return copy
        }
    }

    /// Runs `events` (in this order) through a reorderer, with clock ticks at random points; returns
    /// per message the state's current status and the status of the last non-late released event.
    static func throughReorderer(_ events: [StatusEvent], using rng: inout SeededGenerator) -> [String: (state: String?, stream: String?)] {
        let configuration = ReorderConfiguration(
            window: .milliseconds([0, 1, 2, 5_000].randomElement(using: &rng)!), maxBufferedEvents: Int.random(in: 1...8, using: &rng),
            stateRetention: nil, maxEventTimeAhead: nil
        )
        var reorderer = Reorderer(topic: "t", configuration: configuration)
        var released: [ReleasedEvent] = []
        var now: Int64 = 0
        for (offset, event) in events.enumerated() {
            now += Int64.random(in: 0...3, using: &rng)
            reorderer.add(event, from: 0, offset: Int64(offset), now: now, into: &released)
            if Bool.random(using: &rng) { reorderer.advance(now: now, into: &released) }
        }
        reorderer.advance(now: now + 1_000_000, into: &released)
        var result: [String: (state: String?, stream: String?)] = [:]
        let states = reorderer.partitions[0]?.states ?? [:]
        for event in events { result[event.messageSid] = (states[event.messageSid]?.lastStatus, nil) }
        for event in released where !event.late { result[event.event.messageSid]?.stream = event.event.status }
        return result
    }

    /// Writes `events` in random batches (arbitrary sequences and late flags: a sink must not rely on them).
    static func write(_ events: [StatusEvent], to sinks: [any EventSink], using rng: inout SeededGenerator) async throws {
        var index = 0
        while index < events.count {
            let size = Int.random(in: 1...7, using: &rng)
            let batch = events[index..<min(index + size, events.count)].enumerated().map { offset, event in
                ReleasedEvent(event: event, sequence: index + offset + 1, late: Bool.random(using: &rng), topic: "t", partition: 0, offset: Int64(index + offset))
            }
            for sink in sinks { try await sink.write(batch) }
            index += size
        }
    }

    @Test func reordererStreamAndSQLSinksAgreeWithTheRuleInAnyOrderAndBatching() async throws {
        let directory = try TestEnvironment.makeTemporaryDirectory("current-status")
        let sqliteURL = "sqlite:" + (directory as NSString).appendingPathComponent("agreement.sqlite")
        let postgresURL = try PostgresSinkTests.uniqueURL()
        let logger = Logger(label: "test")
        let sqlite = try SinkFactory.makeSink(url: sqliteURL, configuration: .init(), logger: logger)
        let postgres = try SinkFactory.makeSink(url: postgresURL, configuration: .init(), logger: logger)
        try await sqlite.start()
        try await postgres.start()

        var rng = SeededGenerator(seed: 1717)
        var expected: [String: String] = [:]  // sid (prefixed) -> status
        var disagreements: [String] = []
        for message in 0..<40 {
            let base = Self.messageEvents("SM\(message)", using: &rng)
            let best = base.max { CurrentStatusRule.key(of: $0) < CurrentStatusRule.key(of: $1) }!
            for run in 0..<6 {
                let prefix = "r\(run)m\(message)-"
                let events = Self.prefixed(base.shuffled(using: &rng), prefix)
                let sid = events[0].messageSid
                expected[sid] = best.status
                let answer = Self.throughReorderer(events, using: &rng)[sid]
                if answer?.state != best.status || answer?.stream != best.status {
                    disagreements.append("\(sid) \(events.map { "\($0.status)@\($0.receivedAt)#\($0.id)" }): reorderer state \(answer?.state ?? "nil"), stream \(answer?.stream ?? "nil"), rule \(best.status)")
                }
                try await Self.write(events, to: [sqlite, postgres], using: &rng)
            }
        }
        let fromSQLite = try await SQLiteSinkTests.Inspector(path: String(sqliteURL.dropFirst("sqlite:".count))).statuses()
        let fromPostgres = try await PostgresSinkTests.Inspector(url: postgresURL).statuses()
        for (sid, status) in expected.sorted(by: { $0.key < $1.key }) {
            if fromSQLite[sid]?.status != status { disagreements.append("\(sid): SQLite \(fromSQLite[sid]?.status ?? "nil"), rule \(status)") }
            if fromPostgres[sid]?.status != status { disagreements.append("\(sid): PostgreSQL \(fromPostgres[sid]?.status ?? "nil"), rule \(status)") }
            if fromSQLite[sid]?.lastEventID != fromPostgres[sid]?.lastEventID {
                disagreements.append("\(sid): last event \(fromSQLite[sid]?.lastEventID ?? "nil") in SQLite, \(fromPostgres[sid]?.lastEventID ?? "nil") in PostgreSQL")
            }
            if fromSQLite[sid]?.statusRank != MessageLifecycle.rank(of: status) { disagreements.append("\(sid): SQLite rank \(String(describing: fromSQLite[sid]?.statusRank))") }
        }
        #expect(disagreements.isEmpty, "\(disagreements.count) disagreements:\n\(disagreements.prefix(15).joined(separator: "\n"))")
        try await sqlite.shutdown()
        try await postgres.shutdown()
    }

    /// The SQL guard is the rule: every ordered pair of these events, written one batch after the
    /// other, leaves the status the rule picks, in real SQLite and PostgreSQL (whose own collation
    /// would order `B` after `a`).
    @Test func theSQLGuardDecidesEveryPairLikeTheRule() async throws {
        let directory = try TestEnvironment.makeTemporaryDirectory("current-status-pairs")
        let sqlitePath = (directory as NSString).appendingPathComponent("pairs.sqlite")
        let postgresURL = try PostgresSinkTests.uniqueURL()
        let sinks = [
            try SinkFactory.makeSink(url: "sqlite:\(sqlitePath)", configuration: .init(), logger: Logger(label: "test")),
            try SinkFactory.makeSink(url: postgresURL, configuration: .init(), logger: Logger(label: "test")),
        ]
        for sink in sinks { try await sink.start() }
        let cases: [(status: String, time: Int64, id: String)] = [
            ("sent", 10, "a"), ("delivered", 10, "a"), ("failed", 10, "B"), ("undelivered", 10, "a"), ("canceled", 11, "a"),
            ("read", .min, "a"), ("received", .max, "z"), ("mystery", 5, "e\u{301}"), ("received", 5, "\u{E9}"),
            ("failed", .max, "a"), ("delivered", .max, "\u{E9}"),
        ]
        var expected: [String: String] = [:]
        for (first, a) in cases.enumerated() {
            for (second, b) in cases.enumerated() where first != second {
                let sid = "SMpair\(first)x\(second)"
                // Distinct ids (the history keeps one row per id) that keep the cases' order.
                let earlier = TestEvents.make(sid: sid, status: a.status, at: a.time, id: "\(sid)-\(a.id)\(first)")
                let later = TestEvents.make(sid: sid, status: b.status, at: b.time, id: "\(sid)-\(b.id)\(second)")
                let replaces = CurrentStatusRule.replaces(CurrentStatusRule.key(of: earlier), with: CurrentStatusRule.key(of: later))
                expected[sid] = replaces ? later.status : earlier.status
                for (index, event) in [earlier, later].enumerated() {
                    let batch = [ReleasedEvent(event: event, sequence: index + 1, late: false, topic: "t", partition: 0, offset: Int64(index))]
                    for sink in sinks { try await sink.write(batch) }
                }
            }
        }
        let fromSQLite = try await SQLiteSinkTests.Inspector(path: sqlitePath).statuses()
        let fromPostgres = try await PostgresSinkTests.Inspector(url: postgresURL).statuses()
        for (sid, status) in expected.sorted(by: { $0.key < $1.key }) {
            #expect(fromSQLite[sid]?.status == status, "SQLite \(sid)")
            #expect(fromPostgres[sid]?.status == status, "PostgreSQL \(sid)")
        }
        for sink in sinks { try await sink.shutdown() }
    }
}
