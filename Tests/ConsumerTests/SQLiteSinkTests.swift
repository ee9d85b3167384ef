import Foundation
import GRDB
import StatusEvents
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

        func senders() async throws -> [String: StoredSender] {
            try await read { db in
                var result: [String: StoredSender] = [:]
                for row in try Row.fetchAll(db, sql: "SELECT message_sid, sender, messaging_service_sid FROM message_status") {
                    result[row["message_sid"]] = StoredSender(sender: row["sender"], messagingServiceSid: row["messaging_service_sid"])
                }
                return result
            }
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

    /// Consumers of one group may share a file (the rebalance test does): started together, each
    /// must migrate it or find it migrated, never fail on a table the other just created.
    @Test func sinksStartedTogetherOnOneFileBothMigrate() async throws {
        for _ in 0..<30 {
            let path = try Self.databasePath()
            let first = SQLiteSink(path: path, logger: .init(label: "test"))
            let second = SQLiteSink(path: path, logger: .init(label: "test"))
            async let started1: Void = first.start()
            async let started2: Void = second.start()
            _ = try await (started1, started2)
            try await first.shutdown()
            try await second.shutdown()
            #expect(try await Inspector(path: path).appliedMigrations() == 3)
        }
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

    /// With background checkpoints the WAL reaches the database file although the writer never
    /// checkpoints (threshold out of reach); without them it stays in the WAL.
    @Test func backgroundCheckpointsMoveTheWALIntoTheDatabase() async throws {
        func fill(_ interval: Duration?) async throws -> (sink: SQLiteSink, path: String) {
            let path = try Self.databasePath()
            var configuration = SQLiteSink.Configuration()
            configuration.walAutocheckpointPages = 1_000_000
            configuration.backgroundCheckpointInterval = interval
            let sink = SQLiteSink(path: path, configuration: configuration, logger: .init(label: "test"))
            try await sink.start()
            for _ in 0..<10 {
                var batch: [ReleasedEvent] = []
                for _ in 0..<100 { batch += SinkTestFixtures.released(SinkTestFixtures.messageSid(), ["queued", "sent"]) }
                try await sink.write(batch)
            }
            return (sink, path)
        }
        func databaseBytes(_ path: String) throws -> Int {
            (try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        }
        let background = try await fill(.milliseconds(50))
        let writerOnly = try await fill(nil)
        try await eventually(timeout: .seconds(20), "background checkpoint copied the WAL") {
            try databaseBytes(background.path) >= 1 << 20
        }
        #expect(try databaseBytes(writerOnly.path) < 1 << 20, "nothing else checkpoints")
        try await background.sink.shutdown()
        try await writerOnly.sink.shutdown()
        #expect(try await Inspector(path: background.path).statuses().count == 1000)
    }

    @Test func keepsSenderAndService() async throws {
        let path = try Self.databasePath()
        let sink = SQLiteSink(path: path, logger: .init(label: "test"))
        try await sink.start()
        try await StateSinkScenarios.keepsSenderAndService(sink, Inspector(path: path))
        try await sink.shutdown()
    }

    /// A database of schema v1 (with the index an older `statusrelay report --prepare` added) is
    /// migrated at start: sender and service filled from the stored events, the report's covering
    /// index replaces the plain `received_at` one and the old report index, writes continue.
    @Test func migratesVersionOneDatabase() async throws {
        let path = try Self.databasePath()
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        let sid = SinkTestFixtures.messageSid()
        var serviceEvent = SinkTestFixtures.event(sid, "sent", at: 1_780_000_001_000)
        serviceEvent.messagingServiceSid = "MG" + String(repeating: "0b", count: 16)
        let service = serviceEvent
        let old = [SinkTestFixtures.event(sid, "queued"), service]
        do {
            let queue = try DatabaseQueue(path: path)
            try SQLiteSchema.migrator.migrate(queue, upTo: "v1_message_status")
            try await queue.write { db in
                for (index, event) in old.enumerated() {
                    try db.execute(
                        sql: """
                            INSERT INTO message_status_events (event_id, message_sid, sequence, status, status_rank, error_code, event_type, late, received_at, raw_dlr_done_date, topic, "partition", "offset", payload)
                            VALUES (?, ?, ?, ?, ?, NULL, NULL, 0, ?, NULL, 't', 0, ?, ?)
                            """,
                        arguments: [event.id, sid, index + 1, event.status, event.statusRank, event.receivedAt, index,
                                    String(decoding: StatusEventCodec.encode(event), as: UTF8.self)]
                    )
                }
                try db.execute(
                    sql: "INSERT INTO message_status VALUES (?, ?, 'sent', 40, NULL, 'sms', ?, ?, 2)",
                    arguments: [sid, SinkTestFixtures.accountSid, service.receivedAt, service.id]
                )
                // What `report --prepare` of version 1 added.
                try db.execute(
                    sql: """
                        ALTER TABLE message_status_events ADD COLUMN report_from TEXT GENERATED ALWAYS AS (json_extract(payload, '$.from')) VIRTUAL;
                        ALTER TABLE message_status_events ADD COLUMN report_service TEXT GENERATED ALWAYS AS (json_extract(payload, '$.messagingServiceSid')) VIRTUAL;
                        CREATE INDEX message_status_events_report ON message_status_events (message_sid, received_at, status, late, raw_dlr_done_date, report_from, report_service);
                        """
                )
            }
            try queue.close()
        }
        let sink = SQLiteSink(path: path, logger: .init(label: "test"))
        try await sink.start()
        let inspector = Inspector(path: path)
        #expect(try await inspector.appliedMigrations() == 3)
        #expect(try await inspector.senders()[sid] == StoredSender(sender: "+15005550006", messagingServiceSid: service.messagingServiceSid))
        let indexes = try await inspector.read { db in
            try String.fetchSet(db, sql: "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'message_status_events'")
        }
        #expect(indexes.contains("message_status_events_window"))
        #expect(!indexes.contains("message_status_events_report"))
        #expect(!indexes.contains("message_status_events_received_at"))
        let columns = try await inspector.read { db in try String.fetchSet(db, sql: "SELECT name FROM pragma_table_xinfo('message_status_events')") }
        #expect(!columns.contains("report_from"))

        try await sink.write(SinkTestFixtures.released(sid, ["delivered"], firstSequence: 3, firstOffset: 2))
        try await sink.shutdown()
        #expect(try await inspector.statuses()[sid]?.status == "delivered")
        #expect(try await inspector.statuses()[sid]?.eventCount == 3)
    }

    @Test func writeBeforeStartFails() async throws {
        let sink = SQLiteSink(path: try Self.databasePath(), logger: .init(label: "test"))
        await #expect(throws: SinkError.self) {
            try await sink.write(SinkTestFixtures.released(SinkTestFixtures.messageSid(), ["queued"]))
        }
    }
}
