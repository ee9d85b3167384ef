import Foundation
import GRDB
import Testing
import TestSupport

@testable import Consumer

@Suite("SQLite sink")
struct SQLiteSinkTests {
    struct Inspector: StateSinkInspector {
        let path: String

        func read<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
            var configuration = Configuration()
            configuration.readonly = true
            let queue = try DatabaseQueue(path: path, configuration: configuration)
            return try await queue.read(body)
        }

        func history() async throws -> [StoredHistoryRow] {
            try await read { db in
                try Row.fetchAll(
                    db,
                    sql: """
                        SELECT event_id, message_sid, sequence, status, late, "offset" FROM message_status_events
                        ORDER BY message_sid, sequence
                        """
                ).map {
                    StoredHistoryRow(
                        eventID: $0["event_id"], messageSid: $0["message_sid"], sequence: $0["sequence"],
                        status: $0["status"], late: $0["late"], offset: $0["offset"]
                    )
                }
            }
        }

        func statuses() async throws -> [String: StoredStatusRow] {
            try await read { db in
                var result: [String: StoredStatusRow] = [:]
                for row in try Row.fetchAll(db, sql: "SELECT * FROM message_status") {
                    result[row["message_sid"]] = StoredStatusRow(
                        status: row["status"], statusRank: row["status_rank"], errorCode: row["error_code"],
                        lastEventID: row["last_event_id"], eventCount: row["event_count"]
                    )
                }
                return result
            }
        }

        func appliedMigrations() async throws -> Int {
            try await read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM grdb_migrations") ?? 0 }
        }

        /// Release order: the history's insertion order.
        func historyInInsertionOrder() async throws -> [String] {
            try await read { db in try String.fetchAll(db, sql: "SELECT event_id FROM message_status_events ORDER BY rowid") }
        }
    }

    static func databasePath() throws -> String {
        (try TestEnvironment.makeTemporaryDirectory("sqlite-sink") as NSString).appendingPathComponent("nested/status.db")
    }

    @Test func writesIdempotentlyAndNeverRegresses() async throws {
        let path = try Self.databasePath()
        let sink = try SinkFactory.makeSink(url: "sqlite:\(path)", configuration: .init(), logger: .init(label: "test"))
        try await sink.start()
        let inspector = Inspector(path: path)
        try await StateSinkScenarios.writesIdempotentlyAndNeverRegresses(sink, inspector)
        try await sink.shutdown()
    }

    @Test func survivesRestartAndKeepsReleaseOrder() async throws {
        let path = try Self.databasePath()
        let inspector = Inspector(path: path)
        try await StateSinkScenarios.survivesRestart(
            make: { try SinkFactory.makeSink(url: "sqlite://\(path)", configuration: .init(), logger: .init(label: "test")) },
            inspector
        )
        #expect(try await inspector.read { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") } == "wal")
    }

    @Test func historyKeepsReleaseOrderAcrossMessages() async throws {
        let path = try Self.databasePath()
        let sink = SQLiteSink(path: path, logger: .init(label: "test"))
        try await sink.start()
        var batch: [ReleasedEvent] = []
        for _ in 0..<50 {
            batch += SinkTestFixtures.released(SinkTestFixtures.messageSid(), ["queued", "sent", "delivered"])
        }
        batch.shuffle()
        // Keep each message's events in sequence order, as the reorderer releases them.
        var nextSequence: [String: Int] = [:]
        batch = batch.map { released in
            var released = released
            let sid = released.event.messageSid
            released.sequence = (nextSequence[sid] ?? 0) + 1
            nextSequence[sid] = released.sequence
            return released
        }
        try await sink.write(batch)
        try await sink.shutdown()
        let inspector = Inspector(path: path)
        #expect(try await inspector.historyInInsertionOrder() == batch.map(\.event.id))
        let statuses = try await inspector.statuses()
        #expect(statuses.count == 50)
        #expect(statuses.values.allSatisfy { $0.eventCount == 3 })
    }

    @Test func writeBeforeStartFails() async throws {
        let sink = SQLiteSink(path: try Self.databasePath(), logger: .init(label: "test"))
        await #expect(throws: SinkError.self) {
            try await sink.write(SinkTestFixtures.released(SinkTestFixtures.messageSid(), ["queued"]))
        }
    }
}
