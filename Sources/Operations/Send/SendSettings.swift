package import StatusRelayCore

/// The `statusrelay send` settings that come from more than the command line, resolved like the
/// services' (flags > env > file): the auth token it signs with (also `--auth-token-file`,
/// `TWILIO_AUTH_TOKEN_FILE`), the same variable the ingress verifies with.
package enum SendSettings {
    package static let authToken: Setting<String> = {
        var setting = Setting<String>.string(
            "auth-token", env: "TWILIO_AUTH_TOKEN", default: nil, "Auth Token to sign with. Never printed.")
        setting.isSecret = true
        return setting
    }()
}
