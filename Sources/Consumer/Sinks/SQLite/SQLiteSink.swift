import Foundation
import GRDB
public import Logging
import Synchronization

/// `sqlite:PATH`: the embedded state sink. Current state in `message_status`, history in
/// `message_status_events` (see ``SQLiteSchema``).
///
/// The database runs in WAL mode (a GRDB `DatabasePool`), each batch is one transaction, and every
/// GRDB call runs on GRDB's own dispatch queues through its async APIs, never on the cooperative pool.
/// Idempotent: history rows are inserted by event id or ignored, and only newly inserted events count
/// towards `event_count` or can move the current status (forward only).
public final class SQLiteSink: EventSink {
    public struct Configuration: Sendable {
        /// SQLite `synchronous` pragma in WAL mode. `full` (default) makes every committed batch
        /// survive power loss; `normal` survives process crashes only but is faster.
        /// Env `STATUSRELAY_SQLITE_SYNCHRONOUS`, flag `--sqlite-synchronous`.
        public var synchronous: Synchronous = .full
        /// How long a write waits for another process holding the write lock. Default 5 s.
        /// Env `STATUSRELAY_SQLITE_BUSY_TIMEOUT`, flag `--sqlite-busy-timeout`.
        public var busyTimeout: Duration = .seconds(5)

        public enum Synchronous: String, Sendable, CaseIterable {
            case full = "FULL"
            case normal = "NORMAL"
        }

        public init() {}
    }

    public let name = "sqlite"
    public let path: String
    private let configuration: Configuration
    private let logger: Logger
    private let pool = Mutex<DatabasePool?>(nil)

    public init(path: String, configuration: Configuration = Configuration(), logger: Logger) {
        self.path = path
        self.configuration = configuration
        self.logger = logger
    }

    public func start() async throws {
        guard pool.withLock({ $0 == nil }) else { return }
        let path = self.path
        var config = GRDB.Configuration()
        config.label = "statusrelay.sqlite-sink"
        let seconds = Double(configuration.busyTimeout.components.seconds)
            + Double(configuration.busyTimeout.components.attoseconds) / 1e18
        config.busyMode = .timeout(seconds)
        let synchronous = configuration.synchronous.rawValue
        config.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = \(synchronous)")
        }
        let configuration = config
        // Opening creates the file and switches to WAL: blocking, so off the cooperative pool.
        let pool = try await BlockingIO(label: "statusrelay.sqlite-sink.open").run {
            do {
                let directory = (path as NSString).deletingLastPathComponent
                if !directory.isEmpty {
                    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
                }
                return try DatabasePool(path: path, configuration: configuration)
            } catch {
                throw SinkError(code: .unavailable, sink: "sqlite", message: "cannot open \(path): \(error)", isRetriable: false)
            }
        }
        do {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                SQLiteSchema.migrator.asyncMigrate(pool) { result in
                    continuation.resume(with: result.map { _ in () })
                }
            }
        } catch {
            throw SinkError(code: .migrationFailed, sink: name, message: "\(path): \(error)", isRetriable: false)
        }
        self.pool.withLock { $0 = pool }
        logger.info("SQLite sink ready", metadata: ["path": "\(path)"])
    }

    public func write(_ batch: [ReleasedEvent]) async throws {
        guard !batch.isEmpty else { return }
        guard let pool = pool.withLock({ $0 }) else {
            throw SinkError(code: .notStarted, sink: name, message: "write before start")
        }
        let rows = batch.map { released in
            (released, String(decoding: ReleasedEventJSON.event(released.event), as: UTF8.self))
        }
        do {
            try await pool.write { db in
                let insert = try db.cachedStatement(
                    sql: """
                        INSERT INTO message_status_events (\(SinkSQL.historyColumns))
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                        ON CONFLICT (event_id) DO NOTHING
                        """
                )
                var stored: [ReleasedEvent] = []
                stored.reserveCapacity(rows.count)
                for (released, payload) in rows {
                    let event = released.event
                    try insert.execute(arguments: [
                        event.id, event.messageSid, released.sequence, event.status, event.statusRank,
                        event.errorCode?.description, event.eventType, released.late, event.receivedAt,
                        event.rawDlrDoneDate, released.topic, released.partition, released.offset, payload,
                    ])
                    if db.changesCount > 0 { stored.append(released) }
                }
                let upsert = try db.cachedStatement(
                    sql: """
                        INSERT INTO message_status (\(SinkSQL.statusColumns))
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                        \(SinkSQL.statusConflictClause)
                        """
                )
                for update in MessageStatusUpdate.fold(stored) {
                    let candidate = update.candidate.event
                    try upsert.execute(arguments: [
                        update.messageSid, update.accountSid, candidate.status, candidate.statusRank,
                        candidate.errorCode?.description, update.channel, candidate.receivedAt, candidate.id,
                        update.eventCount,
                    ])
                }
            }
        } catch let error as DatabaseError {
            throw Self.sinkError(error)
        }
    }

    public func shutdown() async throws {
        guard let pool = pool.withLock({ state in defer { state = nil }; return state }) else { return }
        try await BlockingIO(label: "statusrelay.sqlite-sink.close").run { try pool.close() }
    }

    static func sinkError(_ error: DatabaseError) -> SinkError {
        let transient: [ResultCode] = [.SQLITE_BUSY, .SQLITE_LOCKED, .SQLITE_FULL, .SQLITE_IOERR]
        if transient.contains(error.resultCode) {
            return SinkError(code: .unavailable, sink: "sqlite", message: "\(error)", isRetriable: true)
        }
        return SinkError(code: .writeFailed, sink: "sqlite", message: "\(error)", isRetriable: false)
    }
}
