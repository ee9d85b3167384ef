/// The parsed `X-Twilio-Webhooks-Signature-Settings` header (`key=<sharedKeyId>,algorithm=<alg>`).
///
/// Parsed as twilio-python does: comma-separated `name=value` parts, names and values trimmed, the
/// first non-empty value of each name wins. A missing or empty header means the legacy Auth Token
/// scheme with HMAC-SHA1.
public struct SignatureSettings: Sendable, Hashable {
    /// Shared key id, nil for the Auth Token scheme.
    public var keyID: String?
    public var algorithm: SignatureAlgorithm

    public init(keyID: String? = nil, algorithm: SignatureAlgorithm = .hmacSHA1) {
        self.keyID = keyID
        self.algorithm = algorithm
    }

    /// - Throws: `unsupportedSignatureAlgorithm` for an algorithm other than HMAC_SHA1/HMAC_SHA256;
    ///   `invalidSignatureSettings` for a `key` part without a value.
    public init(header: String?) throws(WebhookError) {
        self.init()
        guard let header, !header.isEmpty else { return }
        var algorithmText: String?
        var keyText: String?
        var sawEmptyKey = false
        for part in header.split(separator: ",", omittingEmptySubsequences: false) {
            guard let equals = part.firstIndex(of: "=") else { continue }
            let name = part[..<equals].trimmingASCIIWhitespace()
            let value = part[part.index(after: equals)...].trimmingASCIIWhitespace()
            switch name {
            case "algorithm" where algorithmText == nil && !value.isEmpty:
                algorithmText = String(value)
            case "key" where keyText == nil:
                if value.isEmpty { sawEmptyKey = true } else { keyText = String(value) }
            default:
                break
            }
        }
        if let algorithmText {
            guard let algorithm = SignatureAlgorithm(settingsValue: algorithmText) else {
                throw WebhookError(
                    code: .unsupportedSignatureAlgorithm,
                    message: "unsupported webhook signature algorithm '\(algorithmText.prefix(40))'"
                )
            }
            self.algorithm = algorithm
        }
        if keyText == nil && sawEmptyKey {
            throw WebhookError(
                code: .invalidSignatureSettings,
                message: "X-Twilio-Webhooks-Signature-Settings has an empty key id"
            )
        }
        self.keyID = keyText
    }
}

extension Substring {
    func trimmingASCIIWhitespace() -> Substring {
        var slice = self
        while let first = slice.first, first == " " || first == "\t" { slice.removeFirst() }
        while let last = slice.last, last == " " || last == "\t" { slice.removeLast() }
        return slice
    }
}
