import Foundation
import GRDB
package import Logging
import Synchronization
import StatusRelayCore

/// `sqlite:PATH`: the embedded state sink. Current state in `message_status`, history in
/// `message_status_events` (see ``SQLiteSchema``).
///
/// The database runs in WAL mode (a GRDB `DatabasePool`), each batch is one transaction, and every
/// GRDB call runs on GRDB's own dispatch queues through its async APIs, never on the cooperative pool.
/// A second connection checkpoints the WAL in the background, so batch commits do not wait for it.
/// Idempotent: history rows are inserted by event id or ignored, and only newly inserted events count
/// towards `event_count` or can move the current status (forward only). Confirmations and new
/// `reconciliation` events set `reconciled_at`/`reconciled_status` (``SinkSQL/confirm(_:)``).
package final class SQLiteSink: EventSink {
    package struct Configuration: Sendable {
        /// SQLite `synchronous` pragma in WAL mode. `full` (default) makes every committed batch
        /// survive power loss; `normal` survives process crashes only but is faster.
        /// Env `STATUSRELAY_SQLITE_SYNCHRONOUS`, flag `--sqlite-synchronous`.
        package var synchronous: Synchronous = .full
        /// How long a write waits for another process holding the write lock. Default 5 s.
        /// Env `STATUSRELAY_SQLITE_BUSY_TIMEOUT`, flag `--sqlite-busy-timeout`.
        package var busyTimeout: Duration = .seconds(5)

        /// Page cache of the writing connection, in bytes. The history's `event_id` and `message_sid`
        /// indexes and `message_status` take random keys: with SQLite's default 2 MiB cache every
        /// batch re-reads their pages. Default 64 MiB.
        package var cacheBytes: Int = 64 << 20
        /// WAL pages after which a commit checkpoints them into the database itself (SQLite's default
        /// is 1,000, i.e. 4 MiB: a checkpoint, with its fsyncs, every few batches). Default 16,384
        /// (64 MiB); the WAL file is truncated back to that size after a checkpoint. With background
        /// checkpoints the writer only reaches this when they fall behind.
        package var walAutocheckpointPages: Int = 16_384
        /// How often a separate connection copies the WAL into the database (a passive checkpoint:
        /// it never blocks a write). A checkpoint in the writer's commit held that batch up to a few
        /// hundred milliseconds. Nil leaves checkpoints to the writer. Default 1 s.
        /// Env `STATUSRELAY_SQLITE_CHECKPOINT_INTERVAL`, flag `--sqlite-checkpoint-interval` (0 = off).
        package var backgroundCheckpointInterval: Duration? = .seconds(1)

        package enum Synchronous: String, Sendable, CaseIterable {
            case full = "FULL"
            case normal = "NORMAL"
        }

        package init() {}
    }

    package let name = "sqlite"
    package var recordsConfirmations: Bool { true }
    package let path: String
    private let configuration: Configuration
    private let logger: Logger
    private let pool = Mutex<DatabasePool?>(nil)
    private let checkpointer = Mutex<(connection: DatabaseQueue, task: Task<Void, Never>)?>(nil)

    package init(path: String, configuration: Configuration = Configuration(), logger: Logger) {
        self.path = path
        self.configuration = configuration
        self.logger = logger
    }

    package func start() async throws {
        guard pool.withLock({ $0 == nil }) else { return }
        let path = self.path
        var config = GRDB.Configuration()
        config.label = "statusrelay.sqlite-sink"
        let seconds = configuration.busyTimeout.seconds
        config.busyMode = .timeout(seconds)
        let synchronous = configuration.synchronous.rawValue
        let cacheKiB = max(1, configuration.cacheBytes / 1024)
        let checkpointPages = max(1, configuration.walAutocheckpointPages)
        config.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = \(synchronous)")
            if !db.configuration.readonly {
                try db.execute(sql: "PRAGMA cache_size = -\(cacheKiB)")
                try db.execute(sql: "PRAGMA wal_autocheckpoint = \(checkpointPages)")
                try db.execute(sql: "PRAGMA journal_size_limit = \(checkpointPages * 4096)")
            }
        }
        let configuration = config
        // Opening creates the file and switches to WAL: blocking, so off the cooperative pool.
        let pool = try await BlockingIO(label: "statusrelay.sqlite-sink.open").run {
            do {
                let directory = (path as NSString).deletingLastPathComponent
                if !directory.isEmpty {
                    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
                }
                return try Self.openPool(path: path, configuration: configuration)
            } catch {
                throw SinkError(code: .unavailable, sink: "sqlite", message: "cannot open \(path): \(error)", isRetriable: false, underlying: error)
            }
        }
        do {
            try await Self.migrate(pool)
        } catch {
            throw SinkError(code: .migrationFailed, sink: name, message: "\(path): \(error)", isRetriable: false, underlying: error)
        }
        self.pool.withLock { $0 = pool }
        if let interval = self.configuration.backgroundCheckpointInterval, interval > .zero {
            try await startCheckpointer(every: interval)
        }
        logger.info("SQLite sink ready", metadata: ["path": "\(path)"])
    }

    /// Opens the pool, retrying while the file is busy: switching a new file to WAL takes an
    /// exclusive lock, and SQLite answers `SQLITE_BUSY` at once, without the busy handler, when
    /// another process (a second consumer starting on the same file) holds it. Runs off the pool.
    private static func openPool(path: String, configuration: GRDB.Configuration) throws -> DatabasePool {
        var attempt = 0
        while true {
            do {
                return try DatabasePool(path: path, configuration: configuration)
            } catch let error as DatabaseError where error.resultCode == .SQLITE_BUSY && attempt < 50 {
                attempt += 1
                usleep(UInt32(20_000 + (attempt * 2_000)))
            }
        }
    }

    /// GRDB reads the applied migrations before it opens each migration's transaction, so another
    /// process migrating the same file in between makes ours fail ("table ... already exists").
    /// A failure after which more migrations are applied than before is that race: try again.
    /// Each retry needs the other process to have made progress, so this ends.
    private static func migrate(_ pool: DatabasePool) async throws {
        let migrator = SQLiteSchema.migrator
        while true {
            let before = try await pool.read { try migrator.appliedIdentifiers($0) }
            do {
                try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                    migrator.asyncMigrate(pool) { result in
                        continuation.resume(with: result.map { _ in () })
                    }
                }
                return
            } catch {
                let after = try await pool.read { try migrator.appliedIdentifiers($0) }
                guard after.isStrictSuperset(of: before) else { throw error }
            }
        }
    }

    private func startCheckpointer(every interval: Duration) async throws {
        var checkpointConfiguration = GRDB.Configuration()
        checkpointConfiguration.label = "statusrelay.sqlite-sink.checkpoint"
        let config = checkpointConfiguration
        let path = self.path
        let connection = try await BlockingIO(label: "statusrelay.sqlite-sink.open").run {
            do {
                return try DatabaseQueue(path: path, configuration: config)
            } catch {
                throw SinkError(code: .unavailable, sink: "sqlite", message: "cannot open \(path): \(error)", isRetriable: false, underlying: error)
            }
        }
        let logger = self.logger
        let task = Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: interval)
                if Task.isCancelled { break }
                do {
                    _ = try await connection.writeWithoutTransaction { db in try db.checkpoint(.passive) }
                } catch {
                    // The writer's own checkpoint still bounds the WAL; say why, once per failure.
                    logger.warning("SQLite background checkpoint failed", metadata: ["error": "\(error)"])
                }
            }
        }
        checkpointer.withLock { $0 = (connection, task) }
    }

    package func write(_ batch: [ReleasedEvent]) async throws {
        guard !batch.isEmpty else { return }
        guard let pool = pool.withLock({ $0 }) else {
            throw SinkError(code: .notStarted, sink: name, message: "write before start")
        }
        do {
            try await pool.write { db in
                let insert = try db.cachedStatement(
                    sql: """
                        INSERT INTO message_status_events (\(SinkSQL.historyColumns))
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                        ON CONFLICT (event_id) DO NOTHING
                        """
                )
                var row = SQLiteRowBinder(insert, db)
                // Only newly stored events move a message's row: folded as the inserts tell.
                var stored = MessageStatusUpdate.Folder(capacity: batch.count)
                var reconciled: [ReleasedEvent] = []
                for released in batch {
                    if released.isConfirmation {
                        reconciled.append(released)
                        continue
                    }
                    let event = released.event
                    row.begin()
                    row.writeHistory(released, event: event)
                    if try row.step() > 0 {
                        stored.add(released, event: event)
                        if event.source == .reconciliation { reconciled.append(released) }
                    }
                }
                let upsert = try db.cachedStatement(
                    sql: """
                        INSERT INTO message_status (\(SinkSQL.statusColumns))
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                        \(SinkSQL.statusConflictClause(.sqlite))
                        """
                )
                var status = SQLiteRowBinder(upsert, db)
                for update in stored.updates {
                    status.begin()
                    status.writeStatus(update)
                    _ = try status.step()
                }
                guard !reconciled.isEmpty else { return }
                let confirm = try db.cachedStatement(sql: SinkSQL.confirm { "?\($0)" })
                var confirmation = SQLiteRowBinder(confirm, db)
                for released in reconciled {
                    confirmation.begin()
                    confirmation.writeConfirmation(released)
                    _ = try confirmation.step()
                }
            }
        } catch let error as DatabaseError {
            throw Self.sinkError(error)
        }
    }

    package func shutdown() async throws {
        if let (connection, task) = checkpointer.withLock({ state in defer { state = nil }; return state }) {
            task.cancel()
            await task.value
            try await BlockingIO(label: "statusrelay.sqlite-sink.close").run { try connection.close() }
        }
        guard let pool = pool.withLock({ state in defer { state = nil }; return state }) else { return }
        try await BlockingIO(label: "statusrelay.sqlite-sink.close").run { try pool.close() }
    }

    /// Busy, locked, full and I/O errors are transient; a value SQLite refuses (too big, a constraint,
    /// a type mismatch) is a refusal of the data: the consumer isolates and dead-letters that event.
    static func sinkError(_ error: DatabaseError) -> SinkError {
        let transient: [ResultCode] = [.SQLITE_BUSY, .SQLITE_LOCKED, .SQLITE_FULL, .SQLITE_IOERR]
        if transient.contains(error.resultCode) {
            return SinkError(code: .unavailable, sink: "sqlite", message: "\(error)", isRetriable: true, underlying: error)
        }
        let refusals: [ResultCode] = [.SQLITE_TOOBIG, .SQLITE_CONSTRAINT, .SQLITE_MISMATCH, .SQLITE_RANGE]
        if refusals.contains(error.resultCode) {
            return SinkError(code: .rejected, sink: "sqlite", message: "\(error)", isRetriable: false, underlying: error)
        }
        return SinkError(code: .writeFailed, sink: "sqlite", message: "\(error)", isRetriable: false, underlying: error)
    }
}
