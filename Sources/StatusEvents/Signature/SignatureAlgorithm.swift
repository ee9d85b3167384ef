/// The HMAC algorithms Twilio signs webhooks with.
public enum SignatureAlgorithm: String, Sendable, Hashable, CaseIterable {
    /// Auth Token signatures and `algorithm=HMAC_SHA1` shared keys.
    case hmacSHA1 = "HMAC_SHA1"
    case hmacSHA256 = "HMAC_SHA256"

    /// Parses a settings value the way twilio-python does: case-insensitive.
    public init?(settingsValue: String) {
        switch settingsValue.uppercased() {
        case "HMAC_SHA1": self = .hmacSHA1
        case "HMAC_SHA256": self = .hmacSHA256
        default: return nil
        }
    }
}
