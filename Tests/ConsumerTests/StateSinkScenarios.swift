import Testing

@testable import Consumer

/// What a state sink (SQLite, PostgreSQL) stored, read back by the tests.
struct StoredHistoryRow: Hashable, CustomStringConvertible {
    var eventID: String
    var messageSid: String
    var sequence: Int
    var status: String
    var late: Bool
    var offset: Int64
    var description: String { "\(messageSid)#\(sequence) \(status)\(late ? " (late)" : "") \(eventID)" }
}

struct StoredStatusRow: Hashable {
    var status: String
    var statusRank: Int?
    var errorCode: String?
    var lastEventID: String
    var eventCount: Int
}

protocol StateSinkInspector: Sendable {
    /// History rows ordered by (message_sid, sequence).
    func history() async throws -> [StoredHistoryRow]
    func statuses() async throws -> [String: StoredStatusRow]
    /// How many migrations are recorded as applied.
    func appliedMigrations() async throws -> Int
    /// `message_status` sender and messaging service per message.
    func senders() async throws -> [String: StoredSender]
}

struct StoredSender: Hashable {
    var sender: String?
    var messagingServiceSid: String?
}

/// The behaviour every state sink must show, run against a real database.
enum StateSinkScenarios {
    /// Batches written, idempotent re-writes, late events that never regress, sequences preserved.
    static func writesIdempotentlyAndNeverRegresses(
        _ sink: any EventSink, _ inspector: any StateSinkInspector
    ) async throws {
        let m1 = SinkTestFixtures.messageSid()
        let m2 = SinkTestFixtures.messageSid()
        let m3 = SinkTestFixtures.messageSid()
        let first = SinkTestFixtures.released(m1, ["queued", "sent", "delivered"])
        let second = SinkTestFixtures.released(m2, ["queued", "sent"], firstOffset: 10)
        // Interleaved, as a partition releases them.
        let batch = [first[0], second[0], first[1], second[1], first[2]]
        try await sink.write(batch)

        var history = try await inspector.history()
        #expect(history.filter { $0.messageSid == m1 }.map(\.sequence) == [1, 2, 3])
        #expect(history.filter { $0.messageSid == m1 }.map(\.status) == ["queued", "sent", "delivered"])
        #expect(history.filter { $0.messageSid == m2 }.map(\.sequence) == [1, 2])
        var statuses = try await inspector.statuses()
        #expect(statuses[m1] == StoredStatusRow(status: "delivered", statusRank: 60, errorCode: nil, lastEventID: first[2].event.id, eventCount: 3))
        #expect(statuses[m2] == StoredStatusRow(status: "sent", statusRank: 40, errorCode: nil, lastEventID: second[1].event.id, eventCount: 2))
        #expect(try await inspector.senders()[m1] == StoredSender(sender: "+15005550006", messagingServiceSid: nil))

        // Re-writing the same batch (a replay after a crash) changes nothing.
        let historyBefore = try await inspector.history()
        let statusesBefore = try await inspector.statuses()
        try await sink.write(batch)
        try await sink.write(Array(batch.reversed()))
        #expect(try await inspector.history() == historyBefore)
        #expect(try await inspector.statuses() == statusesBefore)

        // A late, lower-ranked event is recorded in the history but never moves the status back.
        let lateSent = ReleasedEvent(
            event: SinkTestFixtures.event(m1, "sent", at: 1_780_000_000_500, id: "late-\(m1)"),
            sequence: 4, late: true, topic: "status-events", partition: 0, offset: 20
        )
        try await sink.write([lateSent])
        history = try await inspector.history()
        #expect(history.filter { $0.messageSid == m1 }.map(\.status) == ["queued", "sent", "delivered", "sent"])
        #expect(history.first { $0.eventID == lateSent.event.id }?.late == true)
        statuses = try await inspector.statuses()
        #expect(statuses[m1] == StoredStatusRow(status: "delivered", statusRank: 60, errorCode: nil, lastEventID: first[2].event.id, eventCount: 4))

        // Forward moves in later batches; then `read`.
        let m2Later = SinkTestFixtures.released(m2, ["delivered", "read"], firstSequence: 3, firstOffset: 30)
        try await sink.write([m2Later[0]])
        #expect(try await inspector.statuses()[m2]?.status == "delivered")
        try await sink.write([m2Later[1]])
        #expect(try await inspector.statuses()[m2] == StoredStatusRow(status: "read", statusRank: 70, errorCode: nil, lastEventID: m2Later[1].event.id, eventCount: 4))

        // Within one batch: a lower rank and an earlier status of the same rank after `undelivered` do
        // not win (`CurrentStatusRule`); error codes kept.
        var undelivered = SinkTestFixtures.released(m3, ["queued", "sent", "undelivered", "delivered", "sent"], firstOffset: 40)
        undelivered[2].event = SinkTestFixtures.event(m3, "undelivered", at: 1_780_000_002_000, errorCode: 30003)
        undelivered[3].event = SinkTestFixtures.event(m3, "delivered", at: 1_780_000_001_500)
        undelivered[3].late = true
        undelivered[4].late = true
        try await sink.write(undelivered)
        statuses = try await inspector.statuses()
        #expect(statuses[m3] == StoredStatusRow(status: "undelivered", statusRank: 60, errorCode: "30003", lastEventID: undelivered[2].event.id, eventCount: 5))
        #expect(try await inspector.history().filter { $0.messageSid == m3 }.map(\.sequence) == [1, 2, 3, 4, 5])
    }

    /// The sender (`From`) and messaging service of the current state: the latest non-null values
    /// of the message's events, whichever event sets the status (also a late one).
    static func keepsSenderAndService(_ sink: any EventSink, _ inspector: any StateSinkInspector) async throws {
        let m1 = SinkTestFixtures.messageSid()
        let service = "MG" + String(repeating: "0a", count: 16)
        var events = SinkTestFixtures.released(m1, ["accepted", "queued", "sent", "delivered"])
        events[0].event.messagingServiceSid = service
        events[1].event.messagingServiceSid = service
        try await sink.write(Array(events[0..<2]))
        #expect(try await inspector.senders()[m1] == StoredSender(sender: "+15005550006", messagingServiceSid: service))
        // Later events without the service keep it; a changed From (never in practice) wins.
        events[2].event.from = nil
        events[3].event.from = "+15005550099"
        try await sink.write([events[2]])
        #expect(try await inspector.senders()[m1] == StoredSender(sender: "+15005550006", messagingServiceSid: service))
        try await sink.write([events[3]])
        #expect(try await inspector.senders()[m1] == StoredSender(sender: "+15005550099", messagingServiceSid: service))
        // A late, lower event does not move the status but still reports what it carries.
        let late = ReleasedEvent(
            event: SinkTestFixtures.event(m1, "sent", at: 1_780_000_000_500, id: "late-\(m1)"),
            sequence: 5, late: true, topic: "status-events", partition: 0, offset: 9
        )
        try await sink.write([late])
        #expect(try await inspector.statuses()[m1]?.status == "delivered")
        #expect(try await inspector.senders()[m1] == StoredSender(sender: "+15005550006", messagingServiceSid: service))
    }

    /// Stopping and starting the sink again re-runs migrations harmlessly and keeps the data.
    static func survivesRestart(
        make: () throws -> any EventSink, _ inspector: any StateSinkInspector
    ) async throws {
        let m1 = SinkTestFixtures.messageSid()
        let events = SinkTestFixtures.released(m1, ["queued", "sent", "delivered"])
        let sink = try make()
        try await sink.start()
        try await sink.write(Array(events.prefix(2)))
        try await sink.shutdown()
        let migrations = try await inspector.appliedMigrations()
        #expect(migrations >= 1)

        for _ in 0..<2 {
            let again = try make()
            try await again.start()
            try await again.write(events)
            try await again.shutdown()
        }
        #expect(try await inspector.appliedMigrations() == migrations)
        #expect(try await inspector.history().map(\.sequence) == [1, 2, 3])
        #expect(try await inspector.statuses()[m1]?.eventCount == 3)
        #expect(try await inspector.statuses()[m1]?.status == "delivered")
    }
}
