import Consumer
import Foundation
import Logging
import PostgresNIO

/// One PostgreSQL connection (temporary tables are per connection). The session runs in a
/// read-only transaction-free mode: it only creates temporary tables.
final class PostgresReportSession: ReportSession {
    let dialect = ReportDialect.postgres
    private let connection: PostgresConnection
    private let logger: Logger

    private init(connection: PostgresConnection, logger: Logger) {
        self.connection = connection
        self.logger = logger
    }

    static func connect(url: String, logger: Logger) async throws(ReportError) -> PostgresReportSession {
        let parsed: PostgresURL
        let configuration: PostgresConnection.Configuration
        do {
            parsed = try PostgresURL(url)
        } catch {
            throw ReportError(code: .invalidSink, message: error.message, underlying: error)
        }
        do {
            configuration = try parsed.connectionConfiguration(applicationName: "statusrelay-report", connectTimeout: .seconds(10))
        } catch {
            throw ReportError(code: .unavailable, message: "TLS setup failed: \(error)", underlying: error)
        }
        do {
            let connection = try await PostgresConnection.connect(configuration: configuration, id: 1, logger: logger)
            let session = PostgresReportSession(connection: connection, logger: logger)
            // Parallel workers help the one big aggregation; temp tables need enough memory.
            try await session.execute("SET work_mem = '256MB'")
            try await session.execute("SET temp_buffers = '256MB'")
            return session
        } catch let error as ReportError {
            throw error
        } catch {
            throw ReportError(code: .unavailable, message: "cannot connect to \(parsed.redacted): \(String(reflecting: error))", underlying: error)
        }
    }

    func execute(_ sql: String) async throws(ReportError) {
        _ = try await query(sql)
    }

    func query(_ sql: String) async throws(ReportError) -> [[ReportValue]] {
        do {
            let rows = try await connection.query(PostgresQuery(unsafeSQL: sql), logger: logger)
            var result: [[ReportValue]] = []
            for try await row in rows {
                result.append(row.map(Self.value))
            }
            return result
        } catch let error as PSQLError {
            let message = error.serverInfo?[.message] ?? "\(String(reflecting: error))"
            if error.serverInfo?[.sqlState] == "42P01" {
                throw ReportError(
                    code: .missingTables,
                    message: "the database has no StatusRelay tables (\(message)); point --sink at a database a sink wrote"
                )
            }
            throw ReportError(code: .queryFailed, message: message, underlying: error)
        } catch {
            throw ReportError(code: .queryFailed, message: "\(error)", underlying: error)
        }
    }

    func close() async {
        try? await connection.close()
    }

    private static func value(_ cell: PostgresCell) -> ReportValue {
        guard cell.bytes != nil else { return .null }
        switch cell.dataType {
        case .int2, .int4, .int8:
            return (try? cell.decode(Int64.self)).map(ReportValue.integer) ?? .null
        case .float4, .float8:
            return (try? cell.decode(Double.self)).map(ReportValue.double) ?? .null
        case .numeric:
            return (try? cell.decode(Decimal.self)).map { .double(NSDecimalNumber(decimal: $0).doubleValue) } ?? .null
        case .bool:
            return (try? cell.decode(Bool.self)).map { .integer($0 ? 1 : 0) } ?? .null
        default:
            return (try? cell.decode(String.self)).map(ReportValue.text) ?? .null
        }
    }
}
