/// A delivery report could not be produced.
public struct ReportError: Error, Sendable, CustomStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let value: String
        private init(_ value: String) { self.value = value }

        /// The `--sink` URL is not `sqlite:PATH` or `postgres://…`.
        public static let invalidSink = Code("invalid_sink")
        /// A flag value (`--since`, `--bucket`, `--stuck-after`, …) cannot be parsed.
        public static let invalidArgument = Code("invalid_argument")
        /// The database cannot be opened or reached.
        public static let unavailable = Code("unavailable")
        /// The database has no StatusRelay tables (no sink ever wrote to it).
        public static let missingTables = Code("missing_tables")
        /// A query failed.
        public static let queryFailed = Code("query_failed")
        /// The HTML file cannot be written.
        public static let outputFailed = Code("output_failed")

        public var description: String { value }
    }

    public var code: Code
    /// Human-readable detail; never contains a password.
    public var message: String

    public init(code: Code, message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code): \(message)" }
}
