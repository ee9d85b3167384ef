import Kafka

/// Redaction of values that embed credentials, for logs, errors, headers, metrics and `--check-config`.
/// The one place that decides what of a URL may be shown.
package enum SecretRedaction {
    static let redacted = "<redacted>"

    /// Query parameters whose values are shown: our own documented, non-secret connection options.
    /// Every other query value is redacted, whatever its name.
    static let visibleQueryParameters: Set<String> = ["sslmode", "schema", "application_name"]

    /// `key=value` pairs (e.g. `--kafka-config`): values of credential keys become `<redacted>`.
    package static func describe(keyValues: [String: String]) -> String {
        keyValues.sorted { $0.key < $1.key }
            .map { "\($0.key)=\(KafkaConfigurationKeys.isSensitive($0.key) ? redacted : $0.value)" }
            .joined(separator: ",")
    }

    /// `url` with its userinfo (`user:password@`, or a token given as the user), every query value
    /// (except the options in ``visibleQueryParameters``) and any fragment replaced by `<redacted>`.
    /// Works on text that does not parse as a URL too (it never fails, and never shows more).
    package static func redact(url: String) -> String {
        var text = Substring(url)
        var result = ""
        if let schemeEnd = text.range(of: "://") {
            result += text[..<schemeEnd.upperBound]
            text = text[schemeEnd.upperBound...]
            let authorityEnd = text.firstIndex { $0 == "/" || $0 == "?" || $0 == "#" } ?? text.endIndex
            let authority = text[..<authorityEnd]
            if let at = authority.lastIndex(of: "@") {
                result += redacted + authority[at...]
            } else {
                result += authority
            }
            text = text[authorityEnd...]
        }
        let fragmentStart = text.firstIndex(of: "#") ?? text.endIndex
        let fragment = text[fragmentStart...].isEmpty ? "" : "#" + redacted
        text = text[..<fragmentStart]
        guard let question = text.firstIndex(of: "?") else { return result + text + fragment }
        result += text[...question]
        let pairs = text[text.index(after: question)...].split(separator: "&", omittingEmptySubsequences: false).map { pair -> String in
            // A bare item (`?TOKEN`) may itself be the secret.
            guard let equals = pair.firstIndex(of: "=") else { return pair.isEmpty ? "" : redacted }
            let name = pair[..<equals]
            return visibleQueryParameters.contains(name.lowercased()) ? String(pair) : "\(name)=\(redacted)"
        }
        return result + pairs.joined(separator: "&") + fragment
    }
}
