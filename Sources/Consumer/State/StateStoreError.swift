/// A failure of the durable message-state store.
package struct StateStoreError: Error, Sendable, CustomStringConvertible {
    package struct Code: Hashable, Sendable, CustomStringConvertible {
        private let raw: String
        private init(_ raw: String) { self.raw = raw }
        package var description: String { raw }

        /// The changelog topic has fewer partitions than the source topic.
        package static let notCoPartitioned = Code("not_co_partitioned")
        /// Restoring did not reach the high watermark in time.
        package static let restoreTimedOut = Code("restore_timed_out")
        /// The restore reader ended before reaching the high watermark.
        package static let restoreFailed = Code("restore_failed")
    }

    package var code: Code
    package var message: String

    package init(code: Code, message: String) {
        self.code = code
        self.message = message
    }

    package var description: String { "\(code): \(message)" }
}
