/// An error from a sink: creating it from its URL, starting it, or writing a batch.
///
/// ``isRetriable`` tells the consumer service whether to retry the same batch with backoff (and
/// pause consumption meanwhile). ``Code/rejected`` says the destination refuses the data itself:
/// the service then isolates the refused events (``rejectedEvents``, or by splitting the batch) and
/// dead-letters them, and the rest of the batch goes on.
package struct SinkError: Error, Sendable, CustomStringConvertible {
    package struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable, CaseIterable {
            case invalidURL = "invalid_url"
            case invalidConfiguration = "invalid_configuration"
            case unavailable
            case timedOut = "timed_out"
            case writeFailed = "write_failed"
            case rejected
            case migrationFailed = "migration_failed"
            case deadLetterFailed = "dead_letter_failed"
            case notStarted = "not_started"
            case shutDown = "shut_down"
        }

        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// The sink URL cannot be parsed or names an unknown scheme.
        package static let invalidURL = Code(.invalidURL)
        /// A setting the sink needs is missing or invalid (e.g. no dead-letter producer for HTTP).
        package static let invalidConfiguration = Code(.invalidConfiguration)
        /// The destination cannot be reached (connection refused or lost). Retriable.
        package static let unavailable = Code(.unavailable)
        /// The destination did not answer in time. Retriable.
        package static let timedOut = Code(.timedOut)
        /// The destination rejected the write.
        package static let writeFailed = Code(.writeFailed)
        /// The destination refuses the data itself (a PostgreSQL data or constraint error, a record
        /// Kafka will not take): writing the same events again can never succeed. Not retriable.
        package static let rejected = Code(.rejected)
        /// The schema migrations failed.
        package static let migrationFailed = Code(.migrationFailed)
        /// An event had to be dead-lettered but the dead-letter topic did not accept it. Retriable.
        package static let deadLetterFailed = Code(.deadLetterFailed)
        /// `write` was called before `start`.
        package static let notStarted = Code(.notStarted)
        /// `write` was called after `shutdown`.
        package static let shutDown = Code(.shutDown)

        package var description: String { base.rawValue }

        /// Every code (the `code` label values of `statusrelay_sink_errors_total`).
        static var allCases: [Code] { Base.allCases.map(Code.init) }
    }

    package var code: Code
    /// The sink's name (`sqlite`, `postgres`, `http`, ...).
    package var sink: String
    /// What went wrong, without secrets.
    package var message: String
    /// Whether writing the same batch again may succeed.
    package var isRetriable: Bool
    /// With ``Code/rejected``: the positions in the batch of the events the destination refused, each
    /// with its reason, when the sink knows them (every other event of the batch was stored). Empty
    /// when the sink cannot tell which events it refused: the consumer then splits the batch.
    package var rejectedEvents: [Int: String]
    /// The error the destination or its client library raised (e.g. a `PSQLError`, a `KafkaError`).
    package var underlying: (any Error)?

    package init(
        code: Code, sink: String, message: String, isRetriable: Bool? = nil, rejectedEvents: [Int: String] = [:],
        underlying: (any Error)? = nil
    ) {
        self.code = code
        self.sink = sink
        self.message = message
        self.isRetriable =
            isRetriable ?? [Code.unavailable, .timedOut, .deadLetterFailed].contains(code)
        self.rejectedEvents = rejectedEvents
        self.underlying = underlying
    }

    package var description: String {
        "SinkError(\(code), sink: \(sink), retriable: \(isRetriable)): \(message)"
    }
}
