/// A reconciliation run could not be done (as a whole; a single message that fails is counted).
public struct ReconcileError: Error, Sendable, CustomStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let value: String
        private init(_ value: String) { self.value = value }

        /// Settings that cannot work together (no account, `--discover` without `--since`, …).
        public static let invalidConfiguration = Code("invalid_configuration")
        /// The sink database cannot be read.
        public static let sink = Code("sink")
        /// Twilio refused the credentials (401/403): nothing more is asked.
        public static let unauthorized = Code("unauthorized")
        /// Listing messages (`--discover`) failed after its retries.
        public static let twilio = Code("twilio")
        /// Events could not be published to Kafka.
        public static let kafka = Code("kafka")

        public var description: String { value }
    }

    public var code: Code
    /// Human-readable detail; never contains a secret.
    public var message: String
    public var underlying: (any Error)?

    public init(code: Code, message: String, underlying: (any Error)? = nil) {
        self.code = code
        self.message = message
        self.underlying = underlying
    }

    public var description: String { "\(code): \(message)" }
}
