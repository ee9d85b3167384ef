package import StatusEvents

/// The answer to `GET …/Messages/{Sid}.json`.
package enum TwilioFetchResult: Sendable {
    /// The Message resource, as Twilio returned it.
    case message(JSONValue)
    /// 404 (Twilio 20404): deleted, redacted or expired; not an error.
    case notFound
}
