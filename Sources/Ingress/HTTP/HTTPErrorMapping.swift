import HTTPTypes
import StatusEvents
import StatusRelayCore

/// The one place where errors become HTTP statuses and JSON error bodies.
enum HTTPErrorMapping {
    struct Rejection: Sendable {
        var status: HTTPResponse.Status
        /// Stable snake_case reason (error body, metrics, logs).
        var reason: String
        var field: String?
        var message: String
        var extraHeaders: HTTPFields = [:]
        /// True for signature failures (counted in the signature-failures metric).
        var isSignatureFailure = false
        /// True for missing or wrong basic credentials (counted in the basic-auth-failures metric).
        var isBasicAuthFailure = false
        /// For a signature that did not verify: the URL it was verified against, redacted (logged, never sent).
        var signingURL: String?
    }

    /// Seconds sent in `Retry-After` with 503.
    static let retryAfterSeconds = "5"
    /// `WWW-Authenticate` with 401: asks Twilio to repeat the request with the URL's credentials.
    static let basicChallenge = #"Basic realm="statusrelay""#

    static func rejection(for error: any Error) -> Rejection {
        switch error {
        case let error as WebhookError:
            return webhook(error)
        case let error as SignatureRejection:
            var rejection = rejection(for: error.underlying)
            rejection.signingURL = SecretRedaction.redact(url: error.signingURL)
            return rejection
        case let error as IngressError:
            var rejection = Rejection(status: .internalServerError, reason: error.code.reason, message: error.message)
            switch error.code {
            case .unavailable:
                rejection.status = .serviceUnavailable
                rejection.extraHeaders[.retryAfter] = retryAfterSeconds
            case .notFound: rejection.status = .notFound
            case .methodNotAllowed:
                rejection.status = .methodNotAllowed
                rejection.extraHeaders[.allow] = error.allowedMethods.joined(separator: ", ")
            case .payloadTooLarge: rejection.status = .contentTooLarge
            case .tooManyRequests, .rateLimited:
                rejection.status = .tooManyRequests
                rejection.extraHeaders[.retryAfter] = String(error.retryAfterSeconds ?? 1)
            case .missingCredentials, .invalidCredentials:
                rejection.status = .unauthorized
                rejection.extraHeaders[.wwwAuthenticate] = basicChallenge
                rejection.isBasicAuthFailure = true
            case .bodyReadFailed: rejection.status = .badRequest
            default: break
            }
            return rejection
        default:
            return Rejection(status: .internalServerError, reason: "internal_error", message: "internal error")
        }
    }

    private static func webhook(_ error: WebhookError) -> Rejection {
        var rejection = Rejection(status: .badRequest, reason: error.reason, field: error.field, message: error.message)
        switch error.code {
        case .missingSignature:
            rejection.status = .badRequest
            rejection.isSignatureFailure = true
        case .invalidSignatureSettings:
            rejection.status = .badRequest
            rejection.isSignatureFailure = true
        case .invalidSignature, .unknownSigningKey, .unsupportedSignatureAlgorithm, .noSigningSecret, .missingBodyHash, .bodyHashMismatch:
            rejection.status = .forbidden
            rejection.isSignatureFailure = true
        case .unsupportedMediaType:
            rejection.status = .unsupportedMediaType
        case .tooManyParameters, .tooManyEvents:
            rejection.status = .contentTooLarge
        case .malformedBody, .missingField, .invalidField, .invalidRequestURL:
            rejection.status = .badRequest
        case .invalidConfiguration:
            rejection.status = .internalServerError
        default:
            rejection.status = .badRequest
        }
        return rejection
    }

    /// `{"error": message, "reason": reason, "field": field}` (field only when known).
    static func body(for rejection: Rejection, requestID: String) -> String {
        var json = "{\"error\":"
        JSONString.append(rejection.message, to: &json)
        json += ",\"reason\":"
        JSONString.append(rejection.reason, to: &json)
        if let field = rejection.field {
            json += ",\"field\":"
            JSONString.append(field, to: &json)
        }
        json += ",\"requestId\":"
        JSONString.append(requestID, to: &json)
        json += "}"
        return json
    }
}
