import Foundation
import GRDB

/// A read-only connection to a SQLite sink database. Statements run on GRDB's serial queue, off the
/// cooperative pool. Temporary tables live in SQLite's separate temp database, which a read-only
/// connection may write, so the report never writes to the sink's file.
final class SQLiteReportSession: ReportSession {
    let dialect = ReportDialect.sqlite
    private let queue: DatabaseQueue

    /// `writable` only for `--prepare`; the report itself opens read-only.
    init(path: String, writable: Bool = false) throws(ReportError) {
        guard FileManager.default.fileExists(atPath: path) else {
            throw ReportError(code: .unavailable, message: "no SQLite database at \(path)")
        }
        var configuration = GRDB.Configuration()
        configuration.readonly = !writable
        configuration.label = "statusrelay.report"
        configuration.busyMode = .timeout(10)
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA temp_store = MEMORY")
            // 256 MiB page cache: the report scans the history table once.
            try db.execute(sql: "PRAGMA cache_size = -262144")
        }
        do {
            queue = try DatabaseQueue(path: path, configuration: configuration)
        } catch {
            throw ReportError(code: .unavailable, message: "cannot open \(path): \(error)", underlying: error)
        }
    }

    func execute(_ sql: String) async throws(ReportError) {
        do {
            try await queue.writeWithoutTransaction { db in try db.execute(sql: sql) }
        } catch {
            throw Self.queryError(error, sql: sql)
        }
    }

    /// Runs `statements` in one transaction (GRDB does not allow one to span accesses).
    func executeInTransaction(_ statements: [String]) async throws(ReportError) {
        do {
            try await queue.write { db in
                for statement in statements { try db.execute(sql: statement) }
            }
        } catch {
            throw Self.queryError(error, sql: statements.joined(separator: "; "))
        }
    }

    func query(_ sql: String) async throws(ReportError) -> [[ReportValue]] {
        do {
            return try await queue.writeWithoutTransaction { db in
                let rows = try Row.fetchCursor(db, sql: sql)
                var result: [[ReportValue]] = []
                while let row = try rows.next() {
                    result.append(row.databaseValues.map(Self.value))
                }
                return result
            }
        } catch {
            throw Self.queryError(error, sql: sql)
        }
    }

    func close() async {
        try? queue.close()
    }

    private static func value(_ value: DatabaseValue) -> ReportValue {
        switch value.storage {
        case .null: .null
        case .int64(let int): .integer(int)
        case .double(let double): .double(double)
        case .string(let string): .text(string)
        case .blob(let data): .text(String(decoding: data, as: UTF8.self))
        }
    }

    private static func queryError(_ error: any Error, sql: String) -> ReportError {
        if let error = error as? DatabaseError, error.message?.contains("no such table") == true {
            return ReportError(
                code: .missingTables,
                message: "the database has no StatusRelay tables (\(error.message ?? "")); point --sink at a database a sink wrote"
            )
        }
        return ReportError(code: .queryFailed, message: "\(error)", underlying: error)
    }
}
