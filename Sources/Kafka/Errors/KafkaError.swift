/// An error from the Kafka layer.
///
/// `code` is a stable, broker-neutral classification; `message` is human-readable and never contains
/// configuration values (so no secrets). `librdkafkaName` names the underlying librdkafka error, if any.
public struct KafkaError: Error, Sendable, CustomStringConvertible {
    /// A broad class of error that callers branch on.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        enum Backing: String, Hashable, Sendable {
            case timedOut, transport, unknownTopicOrPartition, messageTooLarge, invalidConfiguration
            case fatal, closed, queueFull, unsupportedVersion, topicAlreadyExists, authentication
            case rebalance, purged, underlying
        }

        let backing: Backing

        /// A deadline passed: message.timeout.ms for a produce, or a request timeout.
        public static let timedOut = Code(backing: .timedOut)
        /// Brokers unreachable or a connection failed.
        public static let transport = Code(backing: .transport)
        public static let unknownTopicOrPartition = Code(backing: .unknownTopicOrPartition)
        public static let messageTooLarge = Code(backing: .messageTooLarge)
        /// A configuration property or value was rejected; the message names the property, not the value.
        public static let invalidConfiguration = Code(backing: .invalidConfiguration)
        /// The client hit an unrecoverable error (e.g. an idempotent producer's fenced epoch) and must be recreated.
        public static let fatal = Code(backing: .fatal)
        /// The client is shut down or closing.
        public static let closed = Code(backing: .closed)
        /// librdkafka's local queue is full (queue.buffering.max.messages/kbytes).
        public static let queueFull = Code(backing: .queueFull)
        /// The loaded librdkafka is older than required.
        public static let unsupportedVersion = Code(backing: .unsupportedVersion)
        public static let topicAlreadyExists = Code(backing: .topicAlreadyExists)
        /// SASL/SSL authentication or authorization failed.
        public static let authentication = Code(backing: .authentication)
        /// The consumer group rebalanced (e.g. a commit for partitions no longer owned).
        public static let rebalance = Code(backing: .rebalance)
        /// The message was purged from the queue before delivery (client shutting down).
        public static let purged = Code(backing: .purged)
        /// Any other librdkafka error; see `librdkafkaName`.
        public static let underlying = Code(backing: .underlying)

        public var description: String { backing.rawValue }
    }

    public var code: Code
    public var message: String
    /// Whether retrying the same operation may succeed.
    public var isRetriable: Bool
    /// Whether the client is unusable and must be recreated.
    public var isFatal: Bool
    /// Whether the record itself is refused (too large, invalid, for an invalid topic): producing
    /// the same record again can never succeed, so a caller must set it aside instead of retrying.
    /// Classified in one place, from the librdkafka error (see `RDKafkaError.isPermanent`).
    public var isPermanent: Bool
    /// The librdkafka error name (e.g. `_MSG_TIMED_OUT`), when the error came from librdkafka.
    public var librdkafkaName: String?

    public init(
        code: Code, message: String, isRetriable: Bool = false, isFatal: Bool = false, isPermanent: Bool = false,
        librdkafkaName: String? = nil
    ) {
        self.code = code
        self.message = message
        self.isRetriable = isRetriable
        self.isFatal = isFatal
        self.isPermanent = isPermanent
        self.librdkafkaName = librdkafkaName
    }

    public var description: String {
        var text = "KafkaError.\(code): \(message)"
        if let librdkafkaName { text += " [\(librdkafkaName)]" }
        if isFatal { text += " (fatal)" } else if isRetriable { text += " (retriable)" } else if isPermanent { text += " (permanent)" }
        return text
    }

    static func closed(_ what: String) -> KafkaError {
        KafkaError(code: .closed, message: "\(what) is closed")
    }

    static func invalidConfiguration(_ message: String) -> KafkaError {
        KafkaError(code: .invalidConfiguration, message: message)
    }
}
