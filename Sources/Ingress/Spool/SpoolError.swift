/// Why the spool could not take or give a record.
public struct SpoolError: Error, Sendable, CustomStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let raw: String
        private init(_ raw: String) { self.raw = raw }
        public var description: String { raw }

        /// The configured size bound would be exceeded.
        public static let full = Code("spool_full")
        /// A single record is larger than the record limit.
        public static let recordTooLarge = Code("record_too_large")
        /// Reading, writing, syncing or creating a file failed.
        public static let io = Code("spool_io")
        /// The spool was closed (shutdown).
        public static let closed = Code("spool_closed")
        /// The spool directory cannot be used (bad segment header, unusable directory).
        public static let unusable = Code("spool_unusable")
    }

    public var code: Code
    public var message: String

    public init(code: Code, message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code): \(message)" }
}
