public import Kafka

/// Redaction of values that embed credentials, for `--check-config` output and start-up logs.
public enum SecretRedaction {
    static let redacted = "<redacted>"

    /// `key=value` pairs (e.g. `--kafka-config`): values of credential keys become `<redacted>`.
    public static func describe(keyValues: [String: String]) -> String {
        keyValues.sorted { $0.key < $1.key }
            .map { "\($0.key)=\(KafkaConfigurationKeys.isSensitive($0.key) ? redacted : $0.value)" }
            .joined(separator: ",")
    }

    /// A URL with its userinfo password (`postgres://user:pw@host`) and credential-looking query
    /// parameters (`password=`, `token=`, `secret=`) replaced by `<redacted>`.
    public static func describe(url: String) -> String {
        var text = Substring(url)
        var result = ""
        if let schemeEnd = text.range(of: "://") {
            result += text[..<schemeEnd.upperBound]
            text = text[schemeEnd.upperBound...]
            let authorityEnd = text.firstIndex { $0 == "/" || $0 == "?" || $0 == "#" } ?? text.endIndex
            let authority = text[..<authorityEnd]
            if let at = authority.lastIndex(of: "@") {
                let userinfo = authority[..<at]
                if let colon = userinfo.firstIndex(of: ":") {
                    result += userinfo[..<colon] + ":" + redacted
                } else {
                    result += userinfo
                }
                result += authority[at...]
            } else {
                result += authority
            }
            text = text[authorityEnd...]
        }
        guard let question = text.firstIndex(of: "?") else { return result + text }
        result += text[...question]
        let query = text[text.index(after: question)...]
        let fragmentStart = query.firstIndex(of: "#") ?? query.endIndex
        let pairs = query[..<fragmentStart].split(separator: "&", omittingEmptySubsequences: false).map { pair -> String in
            guard let equals = pair.firstIndex(of: "=") else { return String(pair) }
            let key = pair[..<equals].lowercased()
            let sensitive = ["password", "passwd", "pass", "token", "secret", "auth-token", "auth_token"].contains(key)
                || KafkaConfigurationKeys.isSensitive(key)
            return sensitive ? "\(pair[..<equals])=\(redacted)" : String(pair)
        }
        return result + pairs.joined(separator: "&") + query[fragmentStart...]
    }
}
