/// Why a webhook request was rejected.
///
/// `reason` is the stable snake_case string the ingress writes into its JSON error body and metric
/// labels; `message` is for humans. Neither ever contains a secret or an expected signature.
/// The intended HTTP status of each code is documented on the code; the ingress maps codes to
/// statuses in one place.
public struct WebhookError: Error, Sendable, Hashable, CustomStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        fileprivate enum Backing: String, Hashable, Sendable {
            case missingSignature = "missing_signature"
            case invalidSignature = "invalid_signature"
            case unknownSigningKey = "unknown_signing_key"
            case unsupportedSignatureAlgorithm = "unsupported_signature_algorithm"
            case invalidSignatureSettings = "invalid_signature_settings"
            case noSigningSecret = "no_signing_secret"
            case missingBodyHash = "missing_body_hash"
            case bodyHashMismatch = "body_hash_mismatch"
            case unsupportedMediaType = "unsupported_media_type"
            case malformedBody = "malformed_body"
            case tooManyParameters = "too_many_parameters"
            case tooManyEvents = "too_many_events"
            case missingField = "missing_field"
            case invalidField = "invalid_field"
            case invalidRequestURL = "invalid_request_url"
            case invalidConfiguration = "invalid_configuration"
        }

        fileprivate let backing: Backing
        fileprivate init(_ backing: Backing) { self.backing = backing }

        /// No `X-Twilio-Signature` header. HTTP 400.
        public static let missingSignature = Code(.missingSignature)
        /// The signature matches none of the configured secrets. HTTP 403.
        public static let invalidSignature = Code(.invalidSignature)
        /// `X-Twilio-Webhooks-Signature-Settings` names a shared key id that is not configured. HTTP 403.
        public static let unknownSigningKey = Code(.unknownSigningKey)
        /// The signature settings name an algorithm other than HMAC_SHA1 / HMAC_SHA256. HTTP 403.
        public static let unsupportedSignatureAlgorithm = Code(.unsupportedSignatureAlgorithm)
        /// `X-Twilio-Webhooks-Signature-Settings` cannot be parsed (e.g. `key=` without a value). HTTP 400.
        public static let invalidSignatureSettings = Code(.invalidSignatureSettings)
        /// No secret of the required kind is configured for the request's account. HTTP 403.
        public static let noSigningSecret = Code(.noSigningSecret)
        /// A JSON body without `bodySHA256` in the URL's query. HTTP 400.
        public static let missingBodyHash = Code(.missingBodyHash)
        /// The body's SHA-256 differs from the URL's `bodySHA256`. HTTP 403.
        public static let bodyHashMismatch = Code(.bodyHashMismatch)
        /// Content type is neither form-urlencoded nor JSON (or a charset other than UTF-8). HTTP 415.
        public static let unsupportedMediaType = Code(.unsupportedMediaType)
        /// The body cannot be decoded; `detail` says why (e.g. `invalid_percent_escape`). HTTP 400.
        public static let malformedBody = Code(.malformedBody)
        /// A form body with more parameters than `WebhookLimits.maxFormParameters`; found while
        /// parsing, before anything is sorted or the signature is checked. HTTP 413.
        public static let tooManyParameters = Code(.tooManyParameters)
        /// An Event Streams batch with more elements than `WebhookLimits.maxBatchEvents`; found
        /// before the signature is checked. HTTP 413.
        public static let tooManyEvents = Code(.tooManyEvents)
        /// A required field is absent; `field` names it. HTTP 400.
        public static let missingField = Code(.missingField)
        /// A required field is present but malformed; `field` names it. HTTP 400.
        public static let invalidField = Code(.invalidField)
        /// The public URL cannot be reconstructed (no or invalid Host). HTTP 400.
        public static let invalidRequestURL = Code(.invalidRequestURL)
        /// Invalid secrets / public URL / proxy configuration: a start-up error, never a request error.
        public static let invalidConfiguration = Code(.invalidConfiguration)

        /// The stable snake_case reason string.
        public var reason: String { backing.rawValue }
        public var description: String { backing.rawValue }
    }

    public var code: Code
    /// A finer machine-readable cause, e.g. `invalid_percent_escape` for `malformedBody`.
    public var detail: String?
    /// The offending parameter for `missingField` / `invalidField`.
    public var field: String?
    /// Human-readable explanation (never contains secrets).
    public var message: String

    public init(code: Code, detail: String? = nil, field: String? = nil, message: String) {
        self.code = code
        self.detail = detail
        self.field = field
        self.message = message
    }

    /// The stable snake_case reason (`missing_signature`, `invalid_signature`, ...).
    public var reason: String { code.reason }

    public var description: String {
        var text = "WebhookError(\(code.reason)"
        if let detail { text += ", detail: \(detail)" }
        if let field { text += ", field: \(field)" }
        return text + "): \(message)"
    }
}

extension WebhookError {
    static func malformed(_ detail: String, _ message: String) -> WebhookError {
        WebhookError(code: .malformedBody, detail: detail, message: message)
    }

    static func missing(_ field: String) -> WebhookError {
        WebhookError(code: .missingField, field: field, message: "required parameter \(field) is missing")
    }

    static func invalid(_ field: String, _ message: String) -> WebhookError {
        WebhookError(code: .invalidField, field: field, message: message)
    }
}
