/// Failures of the ingress's own making (not of the callback's content; those are `WebhookError`).
public struct IngressError: Error, Sendable, CustomStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let raw: String
        private init(_ raw: String) { self.raw = raw }
        /// The stable snake_case reason, as sent in error bodies and metrics.
        public var reason: String { raw }
        public var description: String { raw }

        /// Neither Kafka nor the spool could take the event.
        public static let unavailable = Code("unavailable")
        /// No route for the path.
        public static let notFound = Code("not_found")
        /// A route exists for the path but not for the method.
        public static let methodNotAllowed = Code("method_not_allowed")
        /// The body exceeds the configured limit.
        public static let payloadTooLarge = Code("payload_too_large")
        /// The concurrency limit tripped.
        public static let tooManyRequests = Code("too_many_requests")
        /// The requests-per-second limit tripped.
        public static let rateLimited = Code("rate_limited")
        /// The public URL has `user:password@` and the request has no `Authorization: Basic`.
        public static let missingCredentials = Code("missing_credentials")
        /// The public URL has `user:password@` and the request's basic credentials differ.
        public static let invalidCredentials = Code("invalid_credentials")
        /// The body could not be read from the connection.
        public static let bodyReadFailed = Code("body_read_failed")
    }

    public var code: Code
    public var message: String
    /// For `methodNotAllowed`: the methods the path accepts.
    public var allowedMethods: [String]
    /// For `tooManyRequests` / `rateLimited`: seconds to send in `Retry-After` (default 1).
    public var retryAfterSeconds: Int?

    public init(code: Code, message: String, allowedMethods: [String] = [], retryAfterSeconds: Int? = nil) {
        self.code = code
        self.message = message
        self.allowedMethods = allowedMethods
        self.retryAfterSeconds = retryAfterSeconds
    }

    public var description: String { "\(code): \(message)" }
}
