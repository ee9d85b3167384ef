import Foundation
import Logging
import PostgresNIO
import StatusEvents
import Testing
import TestSupport

@testable import Consumer

@Suite("PostgreSQL sink")
struct PostgresSinkTests {
    /// Reads the sink's tables through its own client, in the sink's schema.
    struct Inspector: StateSinkInspector {
        let url: String

        /// One direct connection (no pool), closed afterwards.
        func query<T: Sendable>(_ body: @escaping @Sendable (PostgresConnection) async throws -> T) async throws -> T {
            let parsed = try PostgresURL(url)
            var configuration = PostgresConnection.Configuration(
                host: parsed.host, port: parsed.port, username: parsed.username, password: parsed.password,
                database: parsed.database, tls: .disable
            )
            if let schema = parsed.schema {
                configuration.options.additionalStartupParameters = [("search_path", "\"\(schema)\"")]
            }
            let connection = try await PostgresConnection.connect(
                configuration: configuration, id: 1, logger: Logger(label: "inspector")
            )
            do {
                let result = try await body(connection)
                try await connection.close()
                return result
            } catch {
                try? await connection.close()
                throw error
            }
        }

        func history() async throws -> [StoredHistoryRow] {
            try await query { connection in
                var rows: [StoredHistoryRow] = []
                let sequence = try await connection.inspect(
                    """
                    SELECT event_id, message_sid, sequence, status, late, "offset" FROM message_status_events
                    ORDER BY message_sid, sequence
                    """
                )
                for try await (id, sid, seq, status, late, offset) in sequence.decode((String, String, Int64, String, Bool, Int64).self) {
                    rows.append(StoredHistoryRow(eventID: id, messageSid: sid, sequence: Int(seq), status: status, late: late, offset: offset))
                }
                return rows
            }
        }

        func statuses() async throws -> [String: StoredStatusRow] {
            try await query { connection in
                var result: [String: StoredStatusRow] = [:]
                let sequence = try await connection.inspect(
                    "SELECT message_sid, status, status_rank, error_code, last_event_id, event_count FROM message_status"
                )
                for try await (sid, status, rank, errorCode, lastEvent, count) in sequence.decode(
                    (String, String, Int32?, String?, String, Int64).self
                ) {
                    result[sid] = StoredStatusRow(
                        status: status, statusRank: rank.map(Int.init), errorCode: errorCode, lastEventID: lastEvent,
                        eventCount: Int(count)
                    )
                }
                return result
            }
        }

        func appliedMigrations() async throws -> Int {
            try await query { connection in
                var count = 0
                for try await value in try await connection.inspect("SELECT count(*) FROM schema_migrations").decode(Int64.self) {
                    count = Int(value)
                }
                return count
            }
        }

        func senders() async throws -> [String: StoredSender] {
            try await query { connection in
                var result: [String: StoredSender] = [:]
                let rows = try await connection.inspect("SELECT message_sid, sender, messaging_service_sid FROM message_status")
                for try await (sid, sender, service) in rows.decode((String, String?, String?).self) {
                    result[sid] = StoredSender(sender: sender, messagingServiceSid: service)
                }
                return result
            }
        }

        func twilioTimes() async throws -> [String: Int64?] {
            try await query { connection in
                var result: [String: Int64?] = [:]
                let rows = try await connection.inspect("SELECT event_id, twilio_time FROM message_status_events")
                for try await (id, time) in rows.decode((String, Int64?).self) {
                    result[id] = .some(time)
                }
                return result
            }
        }

        func payloadStatus(eventID: String) async throws -> String? {
            try await query { connection in
                var status: String?
                for try await value in try await connection.inspect(
                    "SELECT payload->>'status' FROM message_status_events WHERE event_id = \(eventID)"
                ).decode(String.self) {
                    status = value
                }
                return status
            }
        }
    }

    /// The shared test cluster, in a schema of its own so tests run in parallel.
    static func uniqueURL(base: String? = nil) throws -> String {
        let schema = TestEnvironment.uniqueName("sink").replacingOccurrences(of: "-", with: "_")
        return "\(try base ?? TestEnvironment.postgresURL)?sslmode=disable&schema=\(schema)"
    }

    @Test func writesIdempotentlyAndNeverRegresses() async throws {
        let url = try Self.uniqueURL()
        let sink = try SinkFactory.makeSink(url: url, configuration: .init(), logger: Logger(label: "test"))
        try await sink.start()
        let inspector = Inspector(url: url)
        try await StateSinkScenarios.writesIdempotentlyAndNeverRegresses(sink, inspector)
        let history = try await inspector.history()
        #expect(try await inspector.payloadStatus(eventID: history[0].eventID) == history[0].status)
        try await sink.shutdown()
    }

    @Test func survivesRestartWithIdempotentMigrations() async throws {
        let url = try Self.uniqueURL()
        try await StateSinkScenarios.survivesRestart(
            make: { try PostgresSink(url: url, logger: Logger(label: "test")) },
            Inspector(url: url)
        )
    }

    @Test func keepsSenderAndService() async throws {
        let url = try Self.uniqueURL()
        let sink = try PostgresSink(url: url, logger: Logger(label: "test"))
        try await sink.start()
        try await StateSinkScenarios.keepsSenderAndService(sink, Inspector(url: url))
        try await sink.shutdown()
    }

    @Test func keepsTwilioTime() async throws {
        let url = try Self.uniqueURL()
        let sink = try PostgresSink(url: url, logger: Logger(label: "test"))
        try await sink.start()
        try await StateSinkScenarios.keepsTwilioTime(sink, Inspector(url: url))
        try await sink.shutdown()
    }

    /// A schema at version 1 with rows is migrated at start: sender and service filled from the
    /// stored events; writes continue.
    @Test func migratesVersionOneSchema() async throws {
        let url = try Self.uniqueURL()
        let schema = try #require(try PostgresURL(url).quotedSchema)
        let sid = SinkTestFixtures.messageSid()
        var sentEvent = SinkTestFixtures.event(sid, "sent", at: 1_780_000_001_000)
        sentEvent.messagingServiceSid = "MG" + String(repeating: "0c", count: 16)
        let sent = sentEvent
        let payload = String(decoding: StatusEventCodec.encode(sent), as: UTF8.self)
        let inspector = Inspector(url: url)
        try await inspector.query { connection in
            try await connection.inspect(PostgresQuery(unsafeSQL: "CREATE SCHEMA \(schema)"))
            try await connection.inspect(PostgresQuery(unsafeSQL: PostgresSchema.createMigrationsTable))
            for statement in PostgresSchema.migrations[0].statements {
                try await connection.inspect(PostgresQuery(unsafeSQL: statement))
            }
            try await connection.inspect("INSERT INTO schema_migrations (version, name) VALUES (1, 'message_status')")
            try await connection.inspect(
                """
                INSERT INTO message_status_events (event_id, message_sid, sequence, status, status_rank, error_code, event_type, late, received_at, raw_dlr_done_date, topic, "partition", "offset", payload)
                VALUES (\(sent.id), \(sid), 1, 'sent', 40, NULL, NULL, false, \(sent.receivedAt), NULL, 't', 0, 0, \(payload)::jsonb)
                """
            )
            try await connection.inspect(
                "INSERT INTO message_status VALUES (\(sid), \(SinkTestFixtures.accountSid), 'sent', 40, NULL, 'sms', \(sent.receivedAt), \(sent.id), 1)"
            )
            return ()
        }
        let sink = try PostgresSink(url: url, logger: Logger(label: "test"))
        try await sink.start()
        #expect(try await inspector.appliedMigrations() == PostgresSchema.migrations.count)
        #expect(try await inspector.senders()[sid] == StoredSender(sender: "+15005550006", messagingServiceSid: sent.messagingServiceSid))
        try await sink.write(SinkTestFixtures.released(sid, ["delivered"], firstSequence: 2, firstOffset: 1))
        try await sink.shutdown()
        #expect(try await inspector.statuses()[sid]?.status == "delivered")
        #expect(try await inspector.statuses()[sid]?.eventCount == 2)
    }

    @Test func concurrentStartsMigrateOnce() async throws {
        let url = try Self.uniqueURL()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<4 {
                group.addTask {
                    let sink = try PostgresSink(url: url, logger: Logger(label: "test"))
                    try await sink.start()
                    try await sink.shutdown()
                }
            }
            try await group.waitForAll()
        }
        #expect(try await Inspector(url: url).appliedMigrations() == PostgresSchema.migrations.count)
    }

    /// Batches are staged with COPY: text that needs escaping in COPY's format (tab, newline,
    /// carriage return, backslash) arrives unchanged, and an event repeated within one batch is
    /// stored once.
    @Test func copiedBatchesKeepTextAndDropRepeats() async throws {
        let url = try Self.uniqueURL()
        let sink = try PostgresSink(url: url, logger: Logger(label: "test"))
        try await sink.start()
        let awkward = "tab\there\nnew line\\ backslash \\N\r end"
        var events: [ReleasedEvent] = []
        for _ in 0..<20 {
            events += SinkTestFixtures.released(SinkTestFixtures.messageSid(), ["queued", "sent", "delivered"], extra: [("Note", awkward)])
        }
        let batch = events
        try await sink.write(batch + [batch[4]])
        try await sink.write(batch)
        try await sink.shutdown()
        let inspector = Inspector(url: url)
        #expect(try await inspector.history().count == 60)
        let statuses = try await inspector.statuses()
        #expect(statuses.count == 20)
        #expect(statuses.values.allSatisfy { $0.status == "delivered" && $0.eventCount == 3 })
        let note = try await inspector.query { connection in
            var note: String?
            for try await value in try await connection.inspect(
                "SELECT payload->'params'->>'Note' FROM message_status_events WHERE event_id = \(batch[0].event.id)"
            ).decode(String.self) {
                note = value
            }
            return note
        }
        #expect(note == awkward)
    }

    /// A redelivered batch overlapping what is stored (plus a repeat inside it): the sink learns
    /// which events are new from the insert's row count only when all or none are; here it must ask,
    /// and count each new event once.
    @Test func partlyStoredBatchCountsOnlyTheNewEvents() async throws {
        let url = try Self.uniqueURL()
        let sink = try PostgresSink(url: url, logger: Logger(label: "test"))
        try await sink.start()
        let statuses = ["queued", "sent", "delivered", "read"]
        let perMessage = (0..<30).map { _ in SinkTestFixtures.released(SinkTestFixtures.messageSid(), statuses) }
        try await sink.write(perMessage.flatMap { $0.prefix(2) })
        let batch = perMessage.flatMap { $0 }
        try await sink.write(batch + [batch[3]])
        try await sink.shutdown()
        let inspector = Inspector(url: url)
        #expect(try await inspector.history().count == batch.count)
        let stored = try await inspector.statuses()
        #expect(stored.count == perMessage.count)
        #expect(stored.values.allSatisfy { $0.status == "read" && $0.eventCount == 4 })
    }

    /// A private cluster is stopped for 20 s between writes, and again during a large write: writes
    /// fail with a retriable error within the configured timeout, a batch is committed whole or not at
    /// all, writes succeed once it is back, and nothing is lost or duplicated.
    @Test func outageFailsRetriablyThenRecovers() async throws {
        let directory = try TestEnvironment.makeTemporaryDirectory("pg-outage")
        let dataDirectory = (directory as NSString).appendingPathComponent("data")
        let port = try freePort()
        _ = try TestEnvironment.pgBin
        try await SinkTestFixtures.runScript("postgres.sh", ["start", dataDirectory, String(port)])
        defer { _ = try? SinkTestFixtures.runBlocking("/bin/bash", [Self.postgresScript, "stop", dataDirectory]) }
        let url = try Self.uniqueURL(base: "postgres://statusrelay@127.0.0.1:\(port)/statusrelay")
        var configuration = PostgresSink.Configuration()
        configuration.writeTimeout = .seconds(4)
        configuration.connectTimeout = .seconds(1)
        let sink = try PostgresSink(url: url, configuration: configuration, logger: Logger(label: "test"))
        try await sink.start()

        let messages = (0..<10).map { _ in SinkTestFixtures.messageSid() }
        let batches = messages.map { SinkTestFixtures.released($0, ["queued", "sent", "delivered"]) }
        try await sink.write(batches[0])

        try await SinkTestFixtures.runScript("postgres.sh", ["stop", dataDirectory])
        // A 20 s outage, during which the consumer keeps retrying: every write fails, retriably,
        // within the configured timeout (none hangs), and nothing is half-written.
        let clock = ContinuousClock()
        let outageEnds = clock.now.advanced(by: .seconds(20))
        var failures: [String] = []
        var attempt = 0
        while clock.now < outageEnds {
            let batch = batches[1 + attempt % 3]
            attempt += 1
            do {
                try await sink.write(batch)
                Issue.record("write succeeded while PostgreSQL was down")
            } catch let error as SinkError {
                #expect(error.isRetriable, "\(error)")
                failures.append(error.code.description)
            }
            try await Task.sleep(for: .milliseconds(500))
        }
        #expect(failures.count >= 3, "\(failures)")
        print("PostgreSQL outage: \(failures.count) writes failed retriably: \(Dictionary(grouping: failures) { $0 }.mapValues(\.count))")

        try await SinkTestFixtures.runScript("postgres.sh", ["start", dataDirectory, String(port)])
        // The consumer retries the unwritten batches with backoff; the pool reconnects.
        for batch in batches[1...] {
            try await eventually(timeout: .seconds(60), poll: .milliseconds(500), "write after restart") {
                do {
                    try await sink.write(batch)
                    return true
                } catch let error as SinkError where error.isRetriable {
                    return false
                }
            }
        }
        // PostgreSQL stops while a large batch is being written. The batch is split into parts written
        // at once, each all there or not at all: so each message's events are, and the retry adds the rest.
        let bigMessages = (0..<400).map { _ in SinkTestFixtures.messageSid() }
        let big = bigMessages.flatMap { SinkTestFixtures.released($0, ["queued", "sent", "delivered"]) }
        let writer = Task { try await sink.write(big) }
        try await SinkTestFixtures.runScript("postgres.sh", ["stop", dataDirectory])
        switch await writer.result {
        case .failure(let error):
            print("PostgreSQL stopped during a write of \(big.count) events: \(error)")
            #expect((error as? SinkError)?.isRetriable == true, "\(error)")
        case .success:
            print("PostgreSQL stopped during a write of \(big.count) events: it committed first")
        }
        try await SinkTestFixtures.runScript("postgres.sh", ["start", dataDirectory, String(port)])
        let inspector = Inspector(url: url)
        let stored = Set(try await inspector.history().map(\.eventID)).intersection(big.map(\.event.id))
        let storedPerMessage = Dictionary(grouping: big.filter { stored.contains($0.event.id) }) { $0.event.messageSid }
        #expect(storedPerMessage.values.allSatisfy { $0.count == 3 }, "a message's events were split across commits")
        print("PostgreSQL stopped during a split write: \(stored.count) of \(big.count) events committed")
        try await eventually(timeout: .seconds(60), poll: .milliseconds(500), "big write after restart") {
            do {
                try await sink.write(big)
                return true
            } catch let error as SinkError where error.isRetriable {
                return false
            }
        }

        // A replay of everything (offsets were not committed) changes nothing.
        try await sink.write(batches.flatMap { $0 })
        try await sink.write(big)
        try await sink.shutdown()

        let history = try await inspector.history()
        #expect(history.count == 30 + big.count)
        #expect(Set(history.map(\.eventID)).count == 30 + big.count)
        let statuses = try await inspector.statuses()
        #expect(Set(statuses.keys) == Set(messages + bigMessages))
        #expect(statuses.values.allSatisfy { $0.status == "delivered" && $0.eventCount == 3 })
    }

    /// A batch large enough to be split is written as parallel transactions: every event stored once,
    /// sequences and current state as if written whole, and writing it again (or in another split)
    /// changes nothing.
    @Test func splitBatchesStoreEverythingOnce() async throws {
        let url = try Self.uniqueURL()
        var configuration = PostgresSink.Configuration()
        configuration.writeConcurrency = 4
        let sink = try PostgresSink(url: url, configuration: configuration, logger: Logger(label: "test"))
        try await sink.start()
        let statuses = ["queued", "sent", "delivered", "read"]
        let messages = (0..<600).map { _ in SinkTestFixtures.messageSid() }
        let perMessage = messages.enumerated().map { index, sid in
            SinkTestFixtures.released(sid, statuses, partition: Int32(index % 3), firstOffset: Int64(index) * 10)
        }
        // Interleaved by status, as a partition releases them.
        let batch = statuses.indices.flatMap { step in perMessage.map { $0[step] } }
        #expect(PostgresSink.lanes(of: batch, concurrency: 4).count == 4)
        try await sink.write(batch)
        let inspector = Inspector(url: url)
        let history = try await inspector.history()
        let stored = try await inspector.statuses()
        #expect(history.count == batch.count)
        #expect(Set(history.map(\.eventID)) == Set(batch.map(\.event.id)))
        for (sid, rows) in Dictionary(grouping: history, by: \.messageSid) {
            #expect(rows.map(\.sequence) == [1, 2, 3, 4] && rows.map(\.status) == statuses, "\(sid)")
        }
        #expect(stored.count == messages.count)
        #expect(stored.values.allSatisfy { $0.status == "read" && $0.eventCount == 4 })

        var narrower = configuration
        narrower.writeConcurrency = 2
        let again = try PostgresSink(url: url, configuration: narrower, logger: Logger(label: "test"))
        try await again.start()
        try await again.write(batch)
        try await sink.write(Array(batch.reversed()))
        #expect(try await inspector.history() == history)
        #expect(try await inspector.statuses() == stored)
        try await again.shutdown()
        try await sink.shutdown()
    }

    static var postgresScript: String { (TestEnvironment.repoRoot as NSString).appendingPathComponent("scripts/postgres.sh") }

    @Test func rejectsInvalidURLs() {
        #expect(throws: SinkError.self) { try PostgresSink(url: "postgres://127.0.0.1/db", logger: Logger(label: "t")) }
        #expect(throws: SinkError.self) { try PostgresSink(url: "postgres://u@h/db?sslmode=bogus", logger: Logger(label: "t")) }
        #expect(throws: SinkError.self) { try PostgresSink(url: "postgres://u@h/db?schema=a\"b", logger: Logger(label: "t")) }
    }
}

extension PostgresConnection {
    @discardableResult
    fileprivate func inspect(_ query: PostgresQuery) async throws -> PostgresRowSequence {
        try await self.query(query, logger: Logger(label: "inspector"))
    }
}
