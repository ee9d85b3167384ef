public import Logging
import PostgresNIO
import Synchronization

/// `postgres://…`: the same two tables as the SQLite sink, in PostgreSQL through a postgres-nio
/// `PostgresClient` (see ``PostgresSchema``).
///
/// Each batch is one transaction of multi-row statements: history rows `INSERT … ON CONFLICT
/// (event_id) DO NOTHING RETURNING event_id`, then one guarded `message_status` upsert per message
/// for the events that were new. A write either commits completely or not at all. Connection
/// problems and timeouts throw a retriable ``SinkError``; writing the batch again is safe.
public final class PostgresSink: EventSink {
    public struct Configuration: Sendable {
        /// Upper bound for one batch write (connect, queries, commit). A write that takes longer
        /// fails with a retriable `timed_out` error. Default 15 s.
        /// Env `STATUSRELAY_POSTGRES_WRITE_TIMEOUT`, flag `--postgres-write-timeout`.
        public var writeTimeout: Duration = .seconds(15)
        /// TCP connect timeout. Default 5 s. Env `STATUSRELAY_POSTGRES_CONNECT_TIMEOUT`.
        public var connectTimeout: Duration = .seconds(5)
        /// Pool size. Default 4. Env `STATUSRELAY_POSTGRES_MAX_CONNECTIONS`.
        public var maximumConnections: Int = 4
        /// Rows per statement (PostgreSQL allows 65,535 bind parameters). Default 1,000.
        public var rowsPerStatement: Int = 1000

        public init() {}
    }

    public let name = "postgres"
    private let url: PostgresSinkURL
    private let configuration: Configuration
    private let logger: Logger
    private let state = Mutex<(client: PostgresClient, runner: Task<Void, Never>)?>(nil)

    public init(url: String, configuration: Configuration = Configuration(), logger: Logger) throws(SinkError) {
        self.url = try PostgresSinkURL(url)
        self.configuration = configuration
        self.logger = logger
    }

    /// Connects and applies missing migrations; throws a retriable error when PostgreSQL is down.
    public func start() async throws {
        guard state.withLock({ $0 == nil }) else { return }
        let client = PostgresClient(
            configuration: url.clientConfiguration(
                maximumConnections: configuration.maximumConnections,
                connectTimeout: configuration.connectTimeout
            ),
            backgroundLogger: Self.backgroundLogger(logger)
        )
        let runner = Task { await client.run() }
        do {
            try await deadline("migrations") {
                try await self.migrate(client)
            }
        } catch {
            runner.cancel()
            throw error
        }
        state.withLock { $0 = (client, runner) }
        logger.info("PostgreSQL sink ready", metadata: ["url": "\(url.redacted)"])
    }

    public func write(_ batch: [ReleasedEvent]) async throws {
        guard !batch.isEmpty else { return }
        guard let client = state.withLock({ $0?.client }) else {
            throw SinkError(code: .notStarted, sink: name, message: "write before start")
        }
        let rows = batch.map { released in
            (released, String(decoding: ReleasedEventJSON.event(released.event), as: UTF8.self))
        }
        let chunkSize = max(1, configuration.rowsPerStatement)
        try await deadline("write") {
            try await self.transaction(client) { connection in
                var stored: Set<String> = []
                for start in stride(from: 0, to: rows.count, by: chunkSize) {
                    let chunk = rows[start..<min(start + chunkSize, rows.count)]
                    let inserted = try await connection.query(Self.historyInsert(chunk), logger: self.logger)
                    for try await id in inserted.decode(String.self) { stored.insert(id) }
                }
                var seen: Set<String> = []
                let new = batch.filter { stored.contains($0.event.id) && seen.insert($0.event.id).inserted }
                let updates = MessageStatusUpdate.fold(new)
                for start in stride(from: 0, to: updates.count, by: chunkSize) {
                    let chunk = updates[start..<min(start + chunkSize, updates.count)]
                    try await connection.query(Self.statusUpsert(chunk), logger: self.logger)
                }
            }
        }
    }

    public func shutdown() async throws {
        guard let (_, runner) = state.withLock({ state in defer { state = nil }; return state }) else { return }
        runner.cancel()
        await runner.value
    }

    // MARK: - SQL

    static func historyInsert(_ rows: ArraySlice<(ReleasedEvent, String)>) -> PostgresQuery {
        var bindings = PostgresBindings(capacity: rows.count * SinkSQL.historyColumnCount)
        var values: [String] = []
        values.reserveCapacity(rows.count)
        for (released, payload) in rows {
            let event = released.event
            let base = bindings.count
            bindings.append(event.id)
            bindings.append(event.messageSid)
            bindings.append(Int64(released.sequence))
            bindings.append(event.status)
            bindings.append(event.statusRank.map(Int32.init))
            bindings.append(event.errorCode?.description)
            bindings.append(event.eventType)
            bindings.append(released.late)
            bindings.append(event.receivedAt)
            bindings.append(event.rawDlrDoneDate)
            bindings.append(released.topic)
            bindings.append(released.partition)
            bindings.append(released.offset)
            bindings.append(payload)
            let placeholders = (1...SinkSQL.historyColumnCount).map { index in
                index == SinkSQL.historyColumnCount ? "$\(base + index)::jsonb" : "$\(base + index)"
            }
            values.append("(" + placeholders.joined(separator: ", ") + ")")
        }
        return PostgresQuery(
            unsafeSQL: """
                INSERT INTO message_status_events (\(SinkSQL.historyColumns))
                VALUES \(values.joined(separator: ", "))
                ON CONFLICT (event_id) DO NOTHING
                RETURNING event_id
                """,
            binds: bindings
        )
    }

    static func statusUpsert(_ updates: ArraySlice<MessageStatusUpdate>) -> PostgresQuery {
        var bindings = PostgresBindings(capacity: updates.count * SinkSQL.statusColumnCount)
        var values: [String] = []
        values.reserveCapacity(updates.count)
        for update in updates {
            let candidate = update.candidate.event
            let base = bindings.count
            bindings.append(update.messageSid)
            bindings.append(update.accountSid)
            bindings.append(candidate.status)
            bindings.append(candidate.statusRank.map(Int32.init))
            bindings.append(candidate.errorCode?.description)
            bindings.append(update.channel)
            bindings.append(candidate.receivedAt)
            bindings.append(candidate.id)
            bindings.append(Int64(update.eventCount))
            values.append("(" + (1...SinkSQL.statusColumnCount).map { "$\(base + $0)" }.joined(separator: ", ") + ")")
        }
        return PostgresQuery(
            unsafeSQL: """
                INSERT INTO message_status (\(SinkSQL.statusColumns))
                VALUES \(values.joined(separator: ", "))
                \(SinkSQL.statusConflictClause)
                """,
            binds: bindings
        )
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

    private func deadline<T: Sendable>(_ what: String, _ operation: @escaping @Sendable () async throws -> T) async throws -> T {
        let timeout = configuration.writeTimeout
        return try await withDeadline(timeout, onTimeout: {
            SinkError(code: .timedOut, sink: "postgres", message: "\(what) did not finish within \(timeout)")
        }, operation)
    }

    /// Server errors are retriable only for transient classes (connection, resources, shutdown,
    /// serialization); every client-side failure (connection lost or refused, pool) is retriable.
    static func sinkError(_ error: any Error) -> SinkError {
        if let error = error as? SinkError { return error }
        if let error = error as? PSQLError {
            if error.code == .server {
                let state = error.serverInfo?[.sqlState] ?? ""
                let message = error.serverInfo?[.message] ?? ""
                let transient = ["08", "53", "57", "40", "55P03", "58"].contains { state.hasPrefix($0) }
                return SinkError(
                    code: transient ? .unavailable : .writeFailed, sink: "postgres",
                    message: "server error \(state): \(message)", isRetriable: transient
                )
            }
            return SinkError(code: .unavailable, sink: "postgres", message: "connection: \(error.code)", isRetriable: true)
        }
        if error is CancellationError {
            return SinkError(code: .timedOut, sink: "postgres", message: "cancelled", isRetriable: true)
        }
        return SinkError(code: .unavailable, sink: "postgres", message: "\(error)", isRetriable: true)
    }
}
