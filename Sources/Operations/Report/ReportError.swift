/// A delivery report could not be produced.
public struct ReportError: Error, Sendable, CustomStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let value: String
        private init(_ value: String) { self.value = value }

        /// The `--sink` URL is not `sqlite:PATH` or `postgres://…`.
        public static let invalidSink = Code("invalid_sink")
        /// The database cannot be opened or reached.
        public static let unavailable = Code("unavailable")
        /// The database has no StatusRelay tables (no sink ever wrote to it).
        public static let missingTables = Code("missing_tables")
        /// A query failed.
        public static let queryFailed = Code("query_failed")

        public var description: String { value }
    }

    public var code: Code
    /// Human-readable detail; never contains a password.
    public var message: String
    /// The error the database, its client library or the file system raised.
    public var underlying: (any Error)?

    public init(code: Code, message: String, underlying: (any Error)? = nil) {
        self.code = code
        self.message = message
        self.underlying = underlying
    }

    public var description: String { "\(code): \(message)" }
}
