/// Why the spool could not take or give a record.
package struct SpoolError: Error, Sendable, CustomStringConvertible {
    package struct Code: Hashable, Sendable, CustomStringConvertible {
        private let raw: String
        private init(_ raw: String) { self.raw = raw }
        package var description: String { raw }

        /// The configured size bound would be exceeded.
        package static let full = Code("spool_full")
        /// A single record is larger than the record limit.
        package static let recordTooLarge = Code("record_too_large")
        /// Reading, writing, syncing or creating a file failed.
        package static let io = Code("spool_io")
        /// The spool was closed (shutdown).
        package static let closed = Code("spool_closed")
        /// The spool directory cannot be used (bad segment header, unusable directory).
        package static let unusable = Code("spool_unusable")
    }

    package var code: Code
    package var message: String
    /// The error that caused this one (an I/O failure), kept for callers that inspect it.
    package var underlying: (any Error)?

    package init(code: Code, message: String, underlying: (any Error)? = nil) {
        self.code = code
        self.message = message
        self.underlying = underlying
    }

    package var description: String { "\(code): \(message)" }
}
