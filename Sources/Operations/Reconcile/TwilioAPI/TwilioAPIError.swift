/// A request to Twilio's Messages API failed. The message names the request (method and path,
/// never a credential) and Twilio's error code when it sent one.
public struct TwilioAPIError: Error, Sendable, CustomStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let value: String
        private init(_ value: String) { self.value = value }

        /// 401: the credentials are wrong. The run stops at once.
        public static let unauthorized = Code("unauthorized")
        /// 403: the credentials may not read this account's messages. The run stops at once.
        public static let forbidden = Code("forbidden")
        /// 5xx, 429/503, timeouts or transport errors until the attempts ran out.
        public static let exhausted = Code("exhausted")
        /// A body that is not JSON or not the contract's shape, on every attempt.
        public static let invalidResponse = Code("invalid_response")
        /// Another 4xx answer (a request Twilio refuses: not retried).
        public static let rejected = Code("rejected")

        public var description: String { value }
    }

    public var code: Code
    /// The last HTTP status, when a response arrived.
    public var status: Int?
    /// Twilio's error code from the JSON error body (`20003`, `20429`, …), when present.
    public var twilioCode: Int?
    /// Human-readable detail; never contains a secret.
    public var message: String
    /// The last underlying error (timeout, connection, JSON), if any.
    public var underlying: (any Error)?

    public init(code: Code, status: Int? = nil, twilioCode: Int? = nil, message: String, underlying: (any Error)? = nil) {
        self.code = code
        self.status = status
        self.twilioCode = twilioCode
        self.message = message
        self.underlying = underlying
    }

    /// Whether the whole run must stop (the credentials do not work).
    public var stopsRun: Bool { code == .unauthorized || code == .forbidden }

    public var description: String {
        var text = "\(code): \(message)"
        if let status { text += " (HTTP \(status)" + (twilioCode.map { ", Twilio error \($0)" } ?? "") + ")" }
        return text
    }
}
