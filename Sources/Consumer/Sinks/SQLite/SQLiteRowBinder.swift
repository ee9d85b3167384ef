import GRDB
import GRDBSQLite

/// Binds and steps one row of a cached GRDB statement through the SQLite C API. The sink runs its
/// two statements once per event: GRDB's `StatementArguments` box every value in an existential and
/// copy it into an array first, which cost more than SQLite's own work for the row.
///
/// Only valid inside the GRDB access (`pool.write { db in … }`) that produced `statement`.
struct SQLiteRowBinder: SinkRowWriter {
    private let handle: OpaquePointer
    private let connection: OpaquePointer?
    private let sql: String
    private var index: Int32 = 0

    /// SQLite copies bound text before the call returns.
    private static let transient = unsafeBitCast(OpaquePointer(bitPattern: -1), to: sqlite3_destructor_type.self)

    init(_ statement: Statement, _ db: Database) {
        handle = statement.sqliteStatement
        connection = db.sqliteConnection
        sql = statement.sql
    }

    /// Starts a row: resets the statement. Every row writes every column (a nil as NULL), so no
    /// value of the previous row is kept without clearing the bindings first.
    mutating func begin() {
        sqlite3_reset(handle)
        index = 0
    }

    mutating func text(_ value: String?) {
        index += 1
        guard var value else {
            sqlite3_bind_null(handle, index)
            return
        }
        value.withUTF8 { bytes in
            _ = sqlite3_bind_text(handle, index, bytes.baseAddress.map { UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self) }, Int32(bytes.count), Self.transient)
        }
    }

    mutating func eventJSON(_ bytes: [UInt8]) {
        index += 1
        bytes.withUnsafeBufferPointer { buffer in
            _ = sqlite3_bind_text(handle, index, buffer.baseAddress.map { UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self) }, Int32(buffer.count), Self.transient)
        }
    }

    mutating func integer(_ value: Int64?) {
        index += 1
        guard let value else {
            sqlite3_bind_null(handle, index)
            return
        }
        sqlite3_bind_int64(handle, index, value)
    }

    mutating func boolean(_ value: Bool) { integer(value ? 1 : 0) }

    /// Runs the row; returns how many rows it changed (0 when `ON CONFLICT DO NOTHING` skipped it).
    func step() throws -> Int {
        let code = sqlite3_step(handle)
        guard code == SQLITE_DONE else {
            let message = connection.map { String(cString: sqlite3_errmsg($0)) }
            sqlite3_reset(handle)
            throw DatabaseError(resultCode: ResultCode(rawValue: code), message: message, sql: sql)
        }
        return Int(sqlite3_changes(connection))
    }
}
