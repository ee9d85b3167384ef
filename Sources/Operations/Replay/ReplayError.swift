/// A replay could not start or finish.
public struct ReplayError: Error, Sendable, CustomStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let value: String
        private init(_ value: String) { self.value = value }

        /// `--from`/`--to` is neither an ISO time, `earliest`/`latest`, nor `PARTITION:OFFSET,…`.
        public static let invalidPosition = Code("invalid_position")
        /// A setting is invalid (no sink, unknown partition, …).
        public static let invalidConfiguration = Code("invalid_configuration")
        /// The broker could not be asked for offsets or read from.
        public static let kafka = Code("kafka")
        /// A sink failed to start or to write.
        public static let sink = Code("sink")
        /// The dry run could not read the target database.
        public static let database = Code("database")

        public var description: String { value }
    }

    public var code: Code
    public var message: String
    /// The error this one reports (a sink's, the broker's), kept for callers that inspect it.
    public var underlying: (any Error)?

    public init(code: Code, message: String, underlying: (any Error)? = nil) {
        self.code = code
        self.message = message
        self.underlying = underlying
    }

    public var description: String { "\(code): \(message)" }
}
