/// A raw, not yet decoded configuration value as it came from one layer.
///
/// Flags and environment variables produce `.scalar` (repeatable flags `.list`); a YAML file may
/// also produce `.list` (sequence) or `.mapping` (e.g. `kafka-config: {session.timeout.ms: 6000}`).
package enum ConfigurationValue: Sendable, Hashable {
    case scalar(String)
    case list([String])
    case mapping([String: String])

    /// The value for an error message: `"abc"` (first 100 characters). Never used for secrets.
    var quoted: String {
        switch self {
        case .scalar(let value): "\"\(value.prefix(100))\"" + (value.count > 100 ? "…" : "")
        case .list(let values): "a list of \(values.count)"
        case .mapping(let pairs): "a mapping of \(pairs.count)"
        }
    }

    /// The value as a list: a scalar is split on commas (env vars carry lists that way).
    package var listItems: [String] {
        switch self {
        case .scalar(let value):
            value.split(separator: ",").map { $0.trimmingWhitespace() }.filter { !$0.isEmpty }
        case .list(let values):
            values
        case .mapping(let pairs):
            pairs.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        }
    }
}

extension Substring {
    func trimmingWhitespace() -> String {
        var slice = self[...]
        while let first = slice.first, first.isWhitespace { slice = slice.dropFirst() }
        while let last = slice.last, last.isWhitespace { slice = slice.dropLast() }
        return String(slice)
    }
}

extension String {
    func trimmingWhitespace() -> String { self[...].trimmingWhitespace() }
}
