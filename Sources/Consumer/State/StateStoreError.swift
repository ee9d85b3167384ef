/// A failure of the durable message-state store.
public struct StateStoreError: Error, Sendable, CustomStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let raw: String
        private init(_ raw: String) { self.raw = raw }
        public var description: String { raw }

        /// The changelog topic has fewer partitions than the source topic.
        public static let notCoPartitioned = Code("not_co_partitioned")
        /// Restoring did not reach the high watermark in time.
        public static let restoreTimedOut = Code("restore_timed_out")
        /// The restore reader ended before reaching the high watermark.
        public static let restoreFailed = Code("restore_failed")
    }

    public var code: Code
    public var message: String

    public init(code: Code, message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code): \(message)" }
}
