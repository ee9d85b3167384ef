import Foundation
import Yams

/// Loads the optional YAML configuration file into flat `name: value` pairs.
///
/// Top-level keys are setting names (the flag without dashes). Values may be scalars, sequences
/// of scalars, or mappings of scalars (for `KEY=VALUE` settings such as `kafka-config`).
package enum ConfigurationFile {
    package static func load(path: String) throws(ConfigurationError) -> [String: ConfigurationValue] {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw ConfigurationError(code: .invalidFile, message: "cannot read configuration file \(path): \(error.localizedDescription)")
        }
        return try parse(yaml: text, origin: path)
    }

    package static func parse(yaml text: String, origin: String = "configuration") throws(ConfigurationError) -> [String: ConfigurationValue] {
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch {
            throw ConfigurationError(code: .invalidFile, message: "\(origin) is not valid YAML: \(error)", underlying: error)
        }
        guard let root else { return [:] }
        guard let mapping = root.mapping else {
            throw ConfigurationError(code: .invalidFile, message: "\(origin): expected a mapping of setting names to values")
        }
        var result: [String: ConfigurationValue] = [:]
        for (keyNode, valueNode) in mapping {
            guard let key = keyNode.string else {
                throw ConfigurationError(code: .invalidFile, message: "\(origin): keys must be strings")
            }
            switch valueNode {
            case .scalar(let scalar):
                // `key:` with no value means "not set", like a commented-out line.
                if scalar.string.isEmpty || (scalar.style == .plain && ["~", "null", "Null", "NULL"].contains(scalar.string)) { continue }
                result[key] = .scalar(scalar.string)
            case .sequence(let sequence):
                var items: [String] = []
                for item in sequence {
                    guard let string = item.scalar?.string else {
                        throw ConfigurationError(code: .invalidFile, setting: key, message: "\(origin): list items must be scalars")
                    }
                    items.append(string)
                }
                result[key] = .list(items)
            case .mapping(let nested):
                var pairs: [String: String] = [:]
                for (nestedKey, nestedValue) in nested {
                    guard let name = nestedKey.string, let value = nestedValue.scalar?.string else {
                        throw ConfigurationError(code: .invalidFile, setting: key, message: "\(origin): nested values must be scalars")
                    }
                    pairs[name] = value
                }
                result[key] = .mapping(pairs)
            case .alias:
                throw ConfigurationError(code: .invalidFile, setting: key, message: "\(origin): YAML aliases are not supported")
            }
        }
        return result
    }
}
