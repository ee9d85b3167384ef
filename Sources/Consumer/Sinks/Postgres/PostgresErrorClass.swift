import PostgresNIO

/// The one place that decides what a PostgreSQL failure means for a batch, by SQLSTATE.
///
/// - transient: the same write may succeed later (connection exceptions 08, serialization failure
///   40001, deadlock 40P01, unknown completion 40003, insufficient resources 53, operator
///   intervention and shutdown 57, lock not available 55P03, object in use 55006, idle transaction
///   timeout 25P03, system I/O 58), and every client-side failure (connection refused or lost, pool,
///   timeout): retried with backoff, forever.
/// - permanent: everything else the server answers (data exceptions 22 such as a number out of range
///   or an invalid byte, constraint violations 23, program limits 54 such as an index row too large,
///   syntax or access rules 42, ...): writing the same rows again can never succeed, so the sink
///   reports ``SinkError/Code/rejected`` and the consumer isolates and dead-letters the offending events.
enum PostgresErrorClass: Equatable {
    case transient
    case permanent

    static let transientStates: Set<String> = ["40001", "40P01", "40003", "55P03", "55006", "25P03"]
    static let transientClasses: Set<String> = ["08", "53", "57", "58"]

    init(sqlState: String) {
        if Self.transientStates.contains(sqlState) || Self.transientClasses.contains(String(sqlState.prefix(2))) {
            self = .transient
        } else {
            self = .permanent
        }
    }

    /// The ``SinkError`` for a failed PostgreSQL write, keeping the underlying `PSQLError`.
    static func sinkError(_ error: any Error) -> SinkError {
        if let error = error as? SinkError { return error }
        if let error = error as? PSQLError {
            if error.code == .server {
                let state = error.serverInfo?[.sqlState] ?? ""
                let message = error.serverInfo?[.message] ?? ""
                if PostgresErrorClass(sqlState: state) == .transient {
                    return SinkError(
                        code: .unavailable, sink: "postgres", message: "server error \(state): \(message)", isRetriable: true,
                        underlying: error
                    )
                }
                return SinkError(
                    code: .rejected, sink: "postgres", message: "server error \(state): \(message)", isRetriable: false,
                    underlying: error
                )
            }
            return SinkError(
                code: .unavailable, sink: "postgres", message: "connection: \(error.code)", isRetriable: true, underlying: error
            )
        }
        if error is CancellationError {
            return SinkError(code: .timedOut, sink: "postgres", message: "cancelled", isRetriable: true)
        }
        return SinkError(code: .unavailable, sink: "postgres", message: "\(error)", isRetriable: true, underlying: error)
    }
}
