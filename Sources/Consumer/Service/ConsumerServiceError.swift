/// A failure that ends the consumer pipeline.
public struct ConsumerServiceError: Error, Sendable, CustomStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let raw: String
        private init(_ raw: String) { self.raw = raw }
        public var description: String { raw }

        /// The Kafka consumer's message stream failed.
        public static let readerFailed = Code("reader_failed")
        /// Graceful shutdown gave up on sinks that kept failing; nothing past their unwritten events
        /// was committed, so the next start reads them again.
        public static let sinkWriteAbandoned = Code("sink_write_abandoned")
        public static let writerStopped = Code("writer_stopped")
    }

    public var code: Code
    public var message: String
    /// The error behind this one (the consumer's, for `readerFailed`), kept for callers that inspect it.
    public var underlying: (any Error)?

    public init(code: Code, message: String, underlying: (any Error)? = nil) {
        self.code = code
        self.message = message
        self.underlying = underlying
    }

    public var description: String { "\(code): \(message)" }
}
