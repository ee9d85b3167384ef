/// Decides which configuration values must never appear in logs or errors.
enum RDKafkaSecrets {
    static func isSecret(_ key: String) -> Bool {
        let key = key.lowercased()
        return key.contains("password") || key.contains("secret") || key.contains("jaas")
            || key.contains("token") || key.hasPrefix("ssl.key") || key == "ssl_key"
            || key.contains("credentials") || key.contains("sasl.oauthbearer.config")
    }

    /// `key=value` for logging, with the value redacted when the key looks secret.
    static func describe(_ key: String, _ value: String) -> String {
        isSecret(key) ? "\(key)=<redacted>" : "\(key)=\(value)"
    }
}
