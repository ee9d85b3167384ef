/// A failure that ends the consumer pipeline.
package struct ConsumerServiceError: Error, Sendable, CustomStringConvertible {
    package struct Code: Hashable, Sendable, CustomStringConvertible {
        private let raw: String
        private init(_ raw: String) { self.raw = raw }
        package var description: String { raw }

        /// The Kafka consumer's message stream failed.
        package static let readerFailed = Code("reader_failed")
        /// Graceful shutdown gave up on sinks that kept failing; nothing past their unwritten events
        /// was committed, so the next start reads them again.
        package static let sinkWriteAbandoned = Code("sink_write_abandoned")
        package static let writerStopped = Code("writer_stopped")
    }

    package var code: Code
    package var message: String
    /// The error behind this one (the consumer's, for `readerFailed`), kept for callers that inspect it.
    package var underlying: (any Error)?

    package init(code: Code, message: String, underlying: (any Error)? = nil) {
        self.code = code
        self.message = message
        self.underlying = underlying
    }

    package var description: String { "\(code): \(message)" }
}
