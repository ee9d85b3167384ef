/// A delivery report could not be produced.
package struct ReportError: Error, Sendable, CustomStringConvertible {
    package struct Code: Hashable, Sendable, CustomStringConvertible {
        private let value: String
        private init(_ value: String) { self.value = value }

        /// The `--sink` URL is not `sqlite:PATH` or `postgres://…`.
        package static let invalidSink = Code("invalid_sink")
        /// The database cannot be opened or reached.
        package static let unavailable = Code("unavailable")
        /// The database has no StatusRelay tables (no sink ever wrote to it).
        package static let missingTables = Code("missing_tables")
        /// A query failed.
        package static let queryFailed = Code("query_failed")

        package var description: String { value }
    }

    package var code: Code
    /// Human-readable detail; never contains a password.
    package var message: String
    /// The error the database, its client library or the file system raised.
    package var underlying: (any Error)?

    package init(code: Code, message: String, underlying: (any Error)? = nil) {
        self.code = code
        self.message = message
        self.underlying = underlying
    }

    package var description: String { "\(code): \(message)" }
}
