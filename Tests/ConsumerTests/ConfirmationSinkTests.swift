import Foundation
import GRDB
import Logging
import PostgresNIO
import StatusEvents
import Testing
import TestSupport

@testable import Consumer

/// Confirmations (`ReleasedEvent.isConfirmation`: Twilio confirmed a status the message has) reach
/// only the SQL sinks, which record them in `message_status.reconciled_at`/`reconciled_status`
/// without a history row; the other sinks never see them.
@Suite("Confirmations in the sinks")
struct ConfirmationSinkTests {
    static func reconciliation(_ sid: String, _ status: String, at time: Int64, sequence: Int, confirmation: Bool) -> ReleasedEvent {
        var event = SinkTestFixtures.event(sid, status, at: time, id: "reconciliation-\(sid)-\(status)-\(time)")
        event.source = .reconciliation
        var released = ReleasedEvent(event: event, sequence: sequence, late: false, topic: "status-events", partition: 0, offset: 50)
        released.isConfirmation = confirmation
        return released
    }

    /// What one SQL sink stored: history (status, source) and the reconciliation columns.
    typealias Stored = (history: [(String, String?)], reconciled: (String?, Int64?))

    /// sent by callback; Twilio confirms sent (twice, the older one arriving last); then
    /// reconciliation recovers delivered.
    static func scenario(_ url: String, read: @escaping @Sendable (String) async throws -> Stored) async throws {
        let sid = SinkTestFixtures.messageSid()
        let sink = try SinkFactory.makeSink(url: url, configuration: .init(), logger: Logger(label: "test"))
        try await sink.start()
        let sent = SinkTestFixtures.released(sid, ["sent"])
        try await sink.write(sent + [reconciliation(sid, "sent", at: 1_780_000_900_000, sequence: 1, confirmation: true)])
        var stored = try await read(sid)
        #expect(stored.history.map(\.0) == ["sent"])
        #expect(stored.history.map(\.1) == ["status-callback"])
        #expect(stored.reconciled.0 == "sent" && stored.reconciled.1 == 1_780_000_900_000)

        try await sink.write([reconciliation(sid, "sent", at: 1_780_000_800_000, sequence: 1, confirmation: true)])
        stored = try await read(sid)
        #expect(stored.reconciled.1 == 1_780_000_900_000, "an older confirmation changes nothing")

        try await sink.write([reconciliation(sid, "delivered", at: 1_780_001_000_000, sequence: 2, confirmation: false)])
        try await sink.shutdown()
        stored = try await read(sid)
        #expect(stored.history.map(\.0) == ["sent", "delivered"])
        #expect(stored.history.map(\.1) == ["status-callback", "reconciliation"])
        #expect(stored.reconciled.0 == "delivered" && stored.reconciled.1 == 1_780_001_000_000)
    }

    @Test func sqliteRecordsConfirmations() async throws {
        let path = (try TestEnvironment.makeTemporaryDirectory("confirm-sqlite") as NSString).appendingPathComponent("sink.db")
        try await Self.scenario("sqlite:\(path)") { sid in
            let queue = try DatabaseQueue(path: path)
            defer { try? queue.close() }
            return try await queue.read { db in
                let history = try Row.fetchAll(
                    db, sql: "SELECT status, source FROM message_status_events WHERE message_sid = ? ORDER BY sequence", arguments: [sid]
                ).map { row -> (String, String?) in (row["status"], row["source"]) }
                let row = try Row.fetchOne(db, sql: "SELECT reconciled_status, reconciled_at FROM message_status WHERE message_sid = ?", arguments: [sid])
                let reconciled: (String?, Int64?) = (row?["reconciled_status"], row?["reconciled_at"])
                return (history, reconciled)
            }
        }
    }

    @Test func postgresRecordsConfirmations() async throws {
        let url = try PostgresSinkTests.uniqueURL()
        try await Self.scenario(url) { sid in
            try await PostgresSinkTests.Inspector(url: url).query { connection in
                var history: [(String, String?)] = []
                for try await (status, source) in try await connection.query(
                    "SELECT status, source FROM message_status_events WHERE message_sid = \(sid) ORDER BY sequence", logger: Logger(label: "test")
                ).decode((String, String?).self) {
                    history.append((status, source))
                }
                var reconciled: (String?, Int64?) = (nil, nil)
                for try await (status, at) in try await connection.query(
                    "SELECT reconciled_status, reconciled_at FROM message_status WHERE message_sid = \(sid)", logger: Logger(label: "test")
                ).decode((String?, Int64?).self) {
                    reconciled = (status, at)
                }
                return (history, reconciled)
            }
        }
    }

    @Test func otherSinksNeverSeeConfirmations() async throws {
        let path = (try TestEnvironment.makeTemporaryDirectory("confirm-jsonl") as NSString).appendingPathComponent("events.jsonl")
        let sid = SinkTestFixtures.messageSid()
        let sink = try SinkFactory.makeSink(url: "jsonl:\(path)", configuration: .init(), logger: Logger(label: "test"))
        #expect(!sink.recordsConfirmations)
        try await sink.start()
        try await sink.write(SinkTestFixtures.released(sid, ["sent"]) + [Self.reconciliation(sid, "sent", at: 1_780_000_900_000, sequence: 1, confirmation: true)])
        try await sink.write([Self.reconciliation(sid, "sent", at: 1_780_000_950_000, sequence: 1, confirmation: true)])
        try await sink.shutdown()
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 1)
        #expect(lines.first?.contains(#""source":"status-callback""#) == true)
    }
}
