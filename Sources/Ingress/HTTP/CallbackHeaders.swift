import HTTPTypes

/// The header fields a callback reads, taken in one pass over the request's fields: a lookup by
/// name scans every field and copies the value, and a callback needs up to ten of them. A repeated
/// field's values are joined with ", ", as `HTTPFields`' subscript does.
struct CallbackHeaders {
    var contentType: String?
    var contentLength: String?
    var signature: String?
    var signatureSettings: String?
    var idempotencyToken: String?
    var homeRegion: String?
    private var forwardedProto: String?
    private var forwardedHost: String?
    private var forwardedPort: String?
    private var forwarded: String?

    init(_ fields: HTTPFields) {
        for field in fields {
            // Canonical names are lowercase.
            switch field.name.canonicalName {
            case "content-type": Self.add(field.value, to: &contentType)
            case "content-length": Self.add(field.value, to: &contentLength)
            case "x-twilio-signature": Self.add(field.value, to: &signature)
            case "x-twilio-webhooks-signature-settings": Self.add(field.value, to: &signatureSettings)
            case "i-twilio-idempotency-token": Self.add(field.value, to: &idempotencyToken)
            case "x-home-region": Self.add(field.value, to: &homeRegion)
            case "x-forwarded-proto": Self.add(field.value, to: &forwardedProto)
            case "x-forwarded-host": Self.add(field.value, to: &forwardedHost)
            case "x-forwarded-port": Self.add(field.value, to: &forwardedPort)
            case "forwarded": Self.add(field.value, to: &forwarded)
            default: break
            }
        }
    }

    /// Host (HTTP/1 `Host` arrives as the `:authority` pseudo-header) and forwarding headers, for
    /// `PublicURLResolver`.
    func forwarding(authority: String?) -> [(name: String, value: String)] {
        var result: [(name: String, value: String)] = []
        if let authority { result.append(("host", authority)) }
        if let forwardedProto { result.append(("x-forwarded-proto", forwardedProto)) }
        if let forwardedHost { result.append(("x-forwarded-host", forwardedHost)) }
        if let forwardedPort { result.append(("x-forwarded-port", forwardedPort)) }
        if let forwarded { result.append(("forwarded", forwarded)) }
        return result
    }

    private static func add(_ value: String, to slot: inout String?) {
        if let existing = slot { slot = existing + ", " + value } else { slot = value }
    }
}
