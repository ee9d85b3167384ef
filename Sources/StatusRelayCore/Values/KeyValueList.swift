/// Parses `KEY=VALUE` items (`--kafka-config`, `--shared-key`).
package enum KeyValueList {
    /// Items come from repeated flags, a YAML list/mapping, or a comma-separated env var. In the
    /// comma-separated form a piece without `=` continues the previous value, so
    /// `bootstrap.servers=a:1,b:2` keeps its comma.
    package static func parse(_ value: ConfigurationValue, setting: String) throws(ConfigurationError) -> [String: String] {
        if case .mapping(let pairs) = value { return pairs }
        let items: [String]
        switch value {
        case .scalar(let text): items = text.split(whereSeparator: { $0 == "," || $0 == "\n" }).map(String.init)
        case .list(let values): items = values
        case .mapping: items = []
        }
        var result: [String: String] = [:]
        var lastKey: String?
        for item in items {
            if let equals = item.firstIndex(of: "=") {
                let key = item[..<equals].trimmingWhitespace()
                guard !key.isEmpty else {
                    throw ConfigurationError(code: .invalidValue, setting: setting, message: "expected KEY=VALUE, got an empty key")
                }
                result[key] = String(item[item.index(after: equals)...])
                lastKey = key
            } else if let key = lastKey, case .scalar = value {
                result[key, default: ""] += ",\(item)"
            } else {
                throw ConfigurationError(code: .invalidValue, setting: setting, message: "expected KEY=VALUE, got '\(item.prefix(40))'")
            }
        }
        return result
    }
}
