package import Logging
import PostgresNIO
import StatusRelayCore
import Synchronization

/// `postgres://…`: the same two tables as the SQLite sink, in PostgreSQL through a postgres-nio
/// `PostgresClient` (see ``PostgresSchema``).
///
/// Each batch (or part of one, below) is one transaction: the events are copied (`COPY … FROM
/// STDIN`) into a temporary staging table, moved with `INSERT … SELECT … ON CONFLICT (event_id) DO
/// NOTHING` (its row count tells which events were new), and those are folded into one guarded
/// `message_status` upsert per message (staged the same way). Connection problems, timeouts and
/// transient server errors throw a retriable ``SinkError``; writing the batch again is safe. An error
/// by which PostgreSQL refuses the data (see ``PostgresErrorClass``) throws ``SinkError/Code/rejected``:
/// the consumer then splits the batch to find the refused events and dead-letters them.
///
/// Whatever an event carries is stored: a NUL in a text column becomes U+FFFD (PostgreSQL text
/// cannot hold NUL), and a payload `jsonb` cannot hold (`\u0000`, a number beyond `numeric`) is
/// stored as a jsonb string of the event's exact JSON text (``PostgresJSONB``).
///
/// A large batch is split by MessageSid into up to `writeConcurrency` parts written at once, each in
/// its own transaction on its own connection, so PostgreSQL works on several cores (``lanes(of:concurrency:)``).
/// Each message's events stay in one part, so the parts touch disjoint rows and never wait for each
/// other, and `write` returns only when every part committed. If one part fails, the others may have
/// committed; the retry writes them again, which changes nothing (see above).
package final class PostgresSink: EventSink {
    package struct Configuration: Sendable {
        /// Upper bound for one batch write (connect, queries, commit). A write that takes longer
        /// fails with a retriable `timed_out` error. Default 15 s.
        /// Env `STATUSRELAY_POSTGRES_WRITE_TIMEOUT`, flag `--postgres-write-timeout`.
        package var writeTimeout: Duration = .seconds(15)
        /// Upper bound for applying the schema migrations at start. A migration of a large existing
        /// table (e.g. v2 filling `message_status.sender`) takes minutes; a shorter bound would
        /// roll it back and retry forever. Default 1 h.
        package var migrationTimeout: Duration = .seconds(3600)
        /// TCP connect timeout. Default 5 s. Env `STATUSRELAY_POSTGRES_CONNECT_TIMEOUT`.
        package var connectTimeout: Duration = .seconds(5)
        /// Pool size. Default 4. Env `STATUSRELAY_POSTGRES_MAX_CONNECTIONS`.
        package var maximumConnections: Int = 4
        /// Transactions a batch of at least 2 × ``PostgresSink/minimumLaneEvents`` events is split
        /// into and written at once, capped by `maximumConnections`. One transaction keeps one server
        /// core busy; the consumer prepares the next batch meanwhile. Default 4.
        /// Env `STATUSRELAY_POSTGRES_WRITE_CONCURRENCY`, flag `--postgres-write-concurrency`.
        package var writeConcurrency: Int = 4

        package init() {}
    }

    package let name = "postgres"
    package var recordsConfirmations: Bool { true }
    private let url: PostgresURL
    private let configuration: Configuration
    private let logger: Logger
    private let state = Mutex<(client: PostgresClient, runner: Task<Void, Never>)?>(nil)

    package init(url: String, configuration: Configuration = Configuration(), logger: Logger) throws(SinkError) {
        self.url = try PostgresURL(sinkURL: url)
        self.configuration = configuration
        self.logger = logger
    }

    /// Connects and applies missing migrations; throws a retriable error when PostgreSQL is down.
    package func start() async throws {
        guard state.withLock({ $0 == nil }) else { return }
        let client = PostgresClient(
            configuration: url.clientConfiguration(
                applicationName: "statusrelay-consumer", maximumConnections: configuration.maximumConnections,
                connectTimeout: configuration.connectTimeout
            ),
            backgroundLogger: Self.backgroundLogger(logger)
        )
        let runner = Task { await client.run() }
        do {
            try await deadline("migrations", timeout: configuration.migrationTimeout) {
                try await self.migrate(client)
            }
        } catch {
            runner.cancel()
            throw error
        }
        state.withLock { $0 = (client, runner) }
        logger.info("PostgreSQL sink ready", metadata: ["url": "\(url.redacted)"])
    }

    package func write(_ batch: [ReleasedEvent]) async throws {
        guard !batch.isEmpty else { return }
        guard let client = state.withLock({ $0?.client }) else {
            throw SinkError(code: .notStarted, sink: name, message: "write before start")
        }
        let lanes = Self.lanes(of: batch, concurrency: min(configuration.writeConcurrency, configuration.maximumConnections))
        try await deadline("write") {
            if lanes.count == 1 {
                try await self.writeTransaction(lanes[0], client)
                return
            }
            try await withThrowingTaskGroup(of: Void.self) { group in
                for lane in lanes {
                    group.addTask { try await self.writeTransaction(lane, client) }
                }
                try await group.waitForAll()
            }
        }
    }

    /// Smallest part a batch is split into: below it, another transaction (and its commit's fsync)
    /// costs more than it saves.
    static let minimumLaneEvents = 500

    /// Splits `batch` into at most `concurrency` parts of at least ``minimumLaneEvents`` events
    /// (fewer when the batch is small), by a hash of the MessageSid: all events of a message are in
    /// one part, in the batch's order. A stable hash (FNV-1a), so the split does not depend on the
    /// process.
    static func lanes(of batch: [ReleasedEvent], concurrency: Int) -> [[ReleasedEvent]] {
        let count = max(1, min(concurrency, batch.count / minimumLaneEvents))
        guard count > 1 else { return [batch] }
        var lanes = [[ReleasedEvent]](repeating: [], count: count)
        for index in lanes.indices { lanes[index].reserveCapacity(batch.count / count + batch.count / 8) }
        for released in batch {
            lanes[Int(FNV1a.hash(released.summary.messageSid.utf8) % UInt64(count))].append(released)
        }
        return lanes.filter { !$0.isEmpty }
    }

    /// One part of a batch in one transaction: history rows, then the folded status upserts of the
    /// events that were new.
    private func writeTransaction(_ batch: [ReleasedEvent], _ client: PostgresClient) async throws {
        let confirmations = batch.filter(\.isConfirmation)
        let batch = confirmations.isEmpty ? batch : batch.filter { !$0.isConfirmation }
        let history = Self.historyCopy(batch)
        try await transaction(client) { connection in
            for statement in Self.createStaging {
                try await connection.query(PostgresQuery(unsafeSQL: statement), logger: self.logger)
            }
            try await connection.copyFrom(
                table: Self.historyStaging, columns: Self.historyStagingColumns, logger: self.logger
            ) { writer in
                try await writer.write(history)
            }
            let new = try await self.insertHistory(batch, connection)
            let updates = MessageStatusUpdate.fold(new)
            if !updates.isEmpty {
                let status = Self.statusCopy(updates)
                try await connection.copyFrom(
                    table: Self.statusStaging, columns: Self.statusStagingColumns, logger: self.logger
                ) { writer in
                    try await writer.write(status)
                }
                try await connection.query(PostgresQuery(unsafeSQL: Self.statusUpsert), logger: self.logger)
            }
            // Few: reconciliation asks about stuck messages only.
            for released in confirmations + new.filter({ $0.summary.source == .reconciliation }) {
                let summary = released.summary
                var bindings = PostgresBindings(capacity: 3)
                bindings.append(summary.messageSid)
                bindings.append(summary.status)
                bindings.append(summary.receivedAt)
                try await connection.query(PostgresQuery(unsafeSQL: Self.confirm, binds: bindings), logger: self.logger)
            }
        }
    }

    /// Moves the staged history rows into `message_status_events`; returns the events that were
    /// new, in batch order, each once. The insert's row count settles the usual cases without
    /// sending the stored ids back: all stored (every event new, so all distinct) or none. Only a
    /// partial redelivery asks which rows this transaction stored.
    private func insertHistory(_ batch: [ReleasedEvent], _ connection: PostgresConnection) async throws -> [ReleasedEvent] {
        let result: EventLoopFuture<PostgresQueryResult> = connection.query(
            PostgresQuery(unsafeSQL: Self.historyInsert), logger: logger
        )
        switch try await result.get().metadata.rows ?? -1 {
        case batch.count: return batch
        case 0: return []
        default: break
        }
        var stored: Set<String> = []
        for try await id in try await connection.query(PostgresQuery(unsafeSQL: Self.storedNow), logger: logger).decode(String.self) {
            stored.insert(id)
        }
        var seen: Set<String> = []
        return batch.filter { stored.contains($0.summary.id) && seen.insert($0.summary.id).inserted }
    }

    package func shutdown() async throws {
        guard let (_, runner) = state.withLock({ state in defer { state = nil }; return state }) else { return }
        runner.cancel()
        await runner.value
    }

    // MARK: - SQL

    /// Per-connection staging tables (temporary, emptied at every commit or rollback) that each
    /// batch is copied into before the guarded inserts move it into the sink's tables.
    static let historyStaging = "statusrelay_history_batch"
    static let statusStaging = "statusrelay_status_batch"
    static let historyStagingColumns = [
        "event_id", "message_sid", "sequence", "status", "status_rank", "error_code", "event_type", "late",
        "received_at", "raw_dlr_done_date", "topic", "partition", "offset", "payload", "source",
        "twilio_time",
    ]
    static let statusStagingColumns = [
        "message_sid", "account_sid", "status", "status_rank", "error_code", "channel", "updated_at",
        "last_event_id", "event_count", "sender", "messaging_service_sid", "status_time",
    ]

    static let createStaging = [
        """
        CREATE TEMPORARY TABLE IF NOT EXISTS \(historyStaging) (
          event_id TEXT, message_sid TEXT, sequence BIGINT, status TEXT,
          status_rank INTEGER, error_code TEXT, event_type TEXT, late BOOLEAN, received_at BIGINT,
          raw_dlr_done_date TEXT, topic TEXT, "partition" INTEGER, "offset" BIGINT, payload TEXT,
          source TEXT, twilio_time BIGINT
        ) ON COMMIT DELETE ROWS
        """,
        """
        CREATE TEMPORARY TABLE IF NOT EXISTS \(statusStaging) (
          message_sid TEXT, account_sid TEXT, status TEXT, status_rank INTEGER, error_code TEXT,
          channel TEXT, updated_at BIGINT, last_event_id TEXT, event_count BIGINT, sender TEXT,
          messaging_service_sid TEXT, status_time BIGINT
        ) ON COMMIT DELETE ROWS
        """,
    ]

    /// History rows in release order, new ones only.
    static let historyInsert = """
        INSERT INTO message_status_events (\(SinkSQL.historyColumns))
        SELECT event_id, message_sid, sequence, status, status_rank, error_code, event_type, late,
          received_at, raw_dlr_done_date, topic, "partition", "offset", payload::jsonb, source,
          twilio_time
        FROM \(historyStaging)
        ON CONFLICT (event_id) DO NOTHING
        """

    /// The staged events whose history row this transaction inserted (its own transaction id).
    static let storedNow = """
        SELECT event_id FROM message_status_events
        WHERE event_id IN (SELECT event_id FROM \(historyStaging)) AND xmin = pg_current_xact_id()::xid
        """

    /// One guarded upsert per message (the staging rows are folded, one per message).
    static let statusUpsert = """
        INSERT INTO message_status (\(SinkSQL.statusColumns))
        SELECT \(SinkSQL.statusColumns) FROM \(statusStaging)
        \(SinkSQL.statusConflictClause(.postgres))
        """

    /// ``SinkSQL/confirm(_:)`` with PostgreSQL's placeholders.
    static let confirm = SinkSQL.confirm { "$\($0)" }

    static func historyCopy(_ batch: [ReleasedEvent]) -> ByteBuffer {
        var rows = PostgresCopyText(capacity: batch.count * 1_400)
        for released in batch {
            rows.writeHistory(released)
            rows.endRow()
        }
        return rows.buffer
    }

    static func statusCopy(_ updates: [MessageStatusUpdate]) -> ByteBuffer {
        var rows = PostgresCopyText(capacity: updates.count * 200)
        for update in updates {
            rows.writeStatus(update)
            rows.endRow()
        }
        return rows.buffer
    }

    // MARK: - Plumbing

    private func migrate(_ client: PostgresClient) async throws {
        if let schema = url.quotedSchema {
            // Its own transaction, under the lock: concurrent `CREATE SCHEMA IF NOT EXISTS` can
            // collide, and the migrations below need the schema to exist in their search_path.
            try await transaction(client) { connection in
                try await connection.query("SELECT pg_advisory_xact_lock(\(PostgresSchema.advisoryLockKey(schema: self.url.schema)))", logger: self.logger)
                try await connection.query(PostgresQuery(unsafeSQL: "CREATE SCHEMA IF NOT EXISTS \(schema)"), logger: self.logger)
            }
        }
        let applied = try await transaction(client) { connection in
            try await connection.query("SELECT pg_advisory_xact_lock(\(PostgresSchema.advisoryLockKey(schema: self.url.schema)))", logger: self.logger)
            try await connection.query(PostgresQuery(unsafeSQL: PostgresSchema.createMigrationsTable), logger: self.logger)
            var done: Set<Int32> = []
            for try await version in try await connection.query("SELECT version FROM schema_migrations", logger: self.logger)
                .decode(Int32.self)
            {
                done.insert(version)
            }
            var applied: [Int32] = []
            for migration in PostgresSchema.migrations where !done.contains(migration.version) {
                for statement in migration.statements {
                    try await connection.query(PostgresQuery(unsafeSQL: statement), logger: self.logger)
                }
                try await connection.query(
                    "INSERT INTO schema_migrations (version, name) VALUES (\(migration.version), \(migration.name))",
                    logger: self.logger
                )
                applied.append(migration.version)
            }
            return applied
        }
        if !applied.isEmpty {
            logger.notice("PostgreSQL sink migrated", metadata: ["versions": "\(applied)"])
        }
    }

    /// One transaction on one pooled connection: commits if `body` returns, rolls back otherwise.
    private func transaction<T: Sendable>(
        _ client: PostgresClient,
        _ body: @Sendable (PostgresConnection) async throws -> T
    ) async throws -> T {
        do {
            return try await client.withConnection { connection in
                try await connection.query("BEGIN", logger: self.logger)
                do {
                    let result = try await body(connection)
                    try await connection.query("COMMIT", logger: self.logger)
                    return result
                } catch {
                    // A cancelled caller (deadline) must not hand the pool a connection that is still
                    // in a transaction holding locks: roll back in an uncancelled task, else close it.
                    let logger = self.logger
                    let rolledBack = await Task {
                        (try? await connection.query("ROLLBACK", logger: logger)) != nil
                    }.value
                    if !rolledBack { try? await connection.close() }
                    throw error
                }
            }
        } catch {
            throw Self.sinkError(error)
        }
    }

    /// The pool logs every failed reconnect at info (ten a second during an outage); the write
    /// errors already report outages, so keep its background logging to notice and above.
    static func backgroundLogger(_ logger: Logger) -> Logger {
        var background = logger
        background.logLevel = max(logger.logLevel, .notice)
        return background
    }

    private func deadline<T: Sendable>(
        _ what: String, timeout: Duration? = nil, _ operation: @escaping @Sendable () async throws -> T
    ) async throws -> T {
        let timeout = timeout ?? configuration.writeTimeout
        return try await withDeadline(timeout, onTimeout: {
            SinkError(code: .timedOut, sink: "postgres", message: "\(what) did not finish within \(DurationFormat.format(timeout))")
        }, operation)
    }

    /// See ``PostgresErrorClass``.
    static func sinkError(_ error: any Error) -> SinkError {
        PostgresErrorClass.sinkError(error)
    }
}
