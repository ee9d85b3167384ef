/// A replay could not start or finish.
package struct ReplayError: Error, Sendable, CustomStringConvertible {
    package struct Code: Hashable, Sendable, CustomStringConvertible {
        private let value: String
        private init(_ value: String) { self.value = value }

        /// `--from`/`--to` is neither an ISO time, `earliest`/`latest`, nor `PARTITION:OFFSET,…`.
        package static let invalidPosition = Code("invalid_position")
        /// A setting is invalid (no sink, unknown partition, …).
        package static let invalidConfiguration = Code("invalid_configuration")
        /// The broker could not be asked for offsets or read from.
        package static let kafka = Code("kafka")
        /// A sink failed to start or to write.
        package static let sink = Code("sink")
        /// The dry run could not read the target database.
        package static let database = Code("database")

        package var description: String { value }
    }

    package var code: Code
    package var message: String
    /// The error this one reports (a sink's, the broker's), kept for callers that inspect it.
    package var underlying: (any Error)?

    package init(code: Code, message: String, underlying: (any Error)? = nil) {
        self.code = code
        self.message = message
        self.underlying = underlying
    }

    package var description: String { "\(code): \(message)" }
}
