import Foundation
package import StatusRelayCore

/// HTTP basic auth for Twilio's REST API: an account SID with its auth token, or an API key SID
/// (`SK…`) with its secret. Subaccounts are read with the parent's credentials.
package struct TwilioCredentials: Sendable, CustomStringConvertible {
    /// The basic-auth user: the account SID or the API key SID. Not a secret.
    package var username: String
    package var password: Secret
    /// The account the credentials belong to (the default `--account`); nil for an API key given
    /// without `TWILIO_ACCOUNT_SID`.
    package var accountSid: String?

    package init(username: String, password: Secret, accountSid: String?) {
        self.username = username
        self.password = password
        self.accountSid = accountSid
    }

    /// The `Authorization` header value. Built per client, never logged.
    var authorizationHeader: String {
        "Basic " + Data("\(username):\(password.reveal())".utf8).base64EncodedString()
    }

    package var description: String { "\(username):<redacted>" }
}
