/// A request to Twilio's Messages API failed. The message names the request (method and path,
/// never a credential) and Twilio's error code when it sent one.
package struct TwilioAPIError: Error, Sendable, CustomStringConvertible {
    package struct Code: Hashable, Sendable, CustomStringConvertible {
        private let value: String
        private init(_ value: String) { self.value = value }

        /// 401: the credentials are wrong. The run stops at once.
        package static let unauthorized = Code("unauthorized")
        /// 403: the credentials may not read this account's messages. The run stops at once.
        package static let forbidden = Code("forbidden")
        /// 5xx, 429/503, timeouts or transport errors until the attempts ran out.
        package static let exhausted = Code("exhausted")
        /// A body that is not JSON or not the contract's shape, on every attempt.
        package static let invalidResponse = Code("invalid_response")
        /// Another 4xx answer (a request Twilio refuses: not retried).
        package static let rejected = Code("rejected")

        package var description: String { value }
    }

    package var code: Code
    /// The last HTTP status, when a response arrived.
    package var status: Int?
    /// Twilio's error code from the JSON error body (`20003`, `20429`, …), when present.
    package var twilioCode: Int?
    /// Human-readable detail; never contains a secret.
    package var message: String
    /// The last underlying error (timeout, connection, JSON), if any.
    package var underlying: (any Error)?

    package init(code: Code, status: Int? = nil, twilioCode: Int? = nil, message: String, underlying: (any Error)? = nil) {
        self.code = code
        self.status = status
        self.twilioCode = twilioCode
        self.message = message
        self.underlying = underlying
    }

    /// Whether the whole run must stop (the credentials do not work).
    package var stopsRun: Bool { code == .unauthorized || code == .forbidden }

    package var description: String {
        var text = "\(code): \(message)"
        if let status { text += " (HTTP \(status)" + (twilioCode.map { ", Twilio error \($0)" } ?? "") + ")" }
        return text
    }
}
