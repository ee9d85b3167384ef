/// A signature that did not verify, with the URL it was verified against: the log line names that
/// URL (redacted) so an operator can compare it with the one Twilio signed.
struct SignatureRejection: Error, Sendable, CustomStringConvertible {
    /// The verifier's error (a `WebhookError`).
    var underlying: any Error
    /// The URL the signature was checked against, unredacted (redact before showing it).
    var signingURL: String

    /// What to change when the URL is not the one Twilio called.
    static let hint = "Twilio signs the URL it calls; if signing_url differs, set --public-url (or --trusted-proxy behind a proxy)"

    var description: String { "\(underlying)" }
}
