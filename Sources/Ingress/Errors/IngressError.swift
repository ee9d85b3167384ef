/// Failures of the ingress's own making (not of the callback's content; those are `WebhookError`).
package struct IngressError: Error, Sendable, CustomStringConvertible {
    package struct Code: Hashable, Sendable, CustomStringConvertible {
        private let raw: String
        private init(_ raw: String) { self.raw = raw }
        /// The stable snake_case reason, as sent in error bodies and metrics.
        package var reason: String { raw }
        package var description: String { raw }

        /// Neither Kafka nor the spool could take the event.
        package static let unavailable = Code("unavailable")
        /// No route for the path.
        package static let notFound = Code("not_found")
        /// A route exists for the path but not for the method.
        package static let methodNotAllowed = Code("method_not_allowed")
        /// The body exceeds the configured limit.
        package static let payloadTooLarge = Code("payload_too_large")
        /// The concurrency limit tripped.
        package static let tooManyRequests = Code("too_many_requests")
        /// The requests-per-second limit tripped.
        package static let rateLimited = Code("rate_limited")
        /// The public URL has `user:password@` and the request has no `Authorization: Basic`.
        package static let missingCredentials = Code("missing_credentials")
        /// The public URL has `user:password@` and the request's basic credentials differ.
        package static let invalidCredentials = Code("invalid_credentials")
        /// The body could not be read from the connection.
        package static let bodyReadFailed = Code("body_read_failed")
    }

    package var code: Code
    package var message: String
    /// For `methodNotAllowed`: the methods the path accepts.
    package var allowedMethods: [String]
    /// For `tooManyRequests` / `rateLimited`: seconds to send in `Retry-After` (default 1).
    package var retryAfterSeconds: Int?

    package init(code: Code, message: String, allowedMethods: [String] = [], retryAfterSeconds: Int? = nil) {
        self.code = code
        self.message = message
        self.allowedMethods = allowedMethods
        self.retryAfterSeconds = retryAfterSeconds
    }

    package var description: String { "\(code): \(message)" }
}
