/// A reconciliation run could not be done (as a whole; a single message that fails is counted).
package struct ReconcileError: Error, Sendable, CustomStringConvertible {
    package struct Code: Hashable, Sendable, CustomStringConvertible {
        private let value: String
        private init(_ value: String) { self.value = value }

        /// Settings that cannot work together (no account, `--discover` without `--since`, …).
        package static let invalidConfiguration = Code("invalid_configuration")
        /// The sink database cannot be read.
        package static let sink = Code("sink")
        /// Twilio refused the credentials (401/403): nothing more is asked.
        package static let unauthorized = Code("unauthorized")
        /// Listing messages (`--discover`) failed after its retries.
        package static let twilio = Code("twilio")
        /// Events could not be published to Kafka.
        package static let kafka = Code("kafka")

        package var description: String { value }
    }

    package var code: Code
    /// Human-readable detail; never contains a secret.
    package var message: String
    package var underlying: (any Error)?

    package init(code: Code, message: String, underlying: (any Error)? = nil) {
        self.code = code
        self.message = message
        self.underlying = underlying
    }

    package var description: String { "\(code): \(message)" }
}
