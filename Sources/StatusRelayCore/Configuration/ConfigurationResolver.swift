import Foundation

/// Resolves settings through the layers (flags > env > file > defaults) and records where each
/// value came from, so `--check-config` can print the effective configuration without secrets.
package struct ConfigurationResolver: Sendable {
    package let layers: ConfigurationLayers
    package private(set) var resolved: [ResolvedSetting] = []
    private var knownNames: Set<String> = []

    package init(layers: ConfigurationLayers) {
        self.layers = layers
    }

    /// The setting's value, or its default; nil when neither exists.
    package mutating func optional<Value>(_ setting: Setting<Value>) throws(ConfigurationError) -> Value? {
        knownNames.insert(setting.name)
        if setting.isSecret { knownNames.insert(setting.fileName) }
        guard let (raw, source) = try rawValue(for: setting) else {
            // An empty secret default (no shared keys) is unset, not a hidden value.
            let display = setting.defaultValue.map(setting.describe).map { setting.isSecret && !$0.isEmpty ? "<redacted>" : $0 }
            record(setting, source: .default, display: display.map { $0.isEmpty && setting.isSecret ? "<unset>" : $0 } ?? "<unset>")
            return setting.defaultValue
        }
        let value = try setting.decode(raw)
        record(setting, source: source, display: setting.isSecret ? "<redacted>" : setting.describe(value))
        return value
    }

    /// The setting's value, or `derived()` (computed from other settings, e.g. `<topic>.dlq`) when
    /// it is not set; `--check-config` then shows the derived value, marked `(derived)`.
    package mutating func value<Value>(_ setting: Setting<Value>, derived: () -> Value) throws(ConfigurationError) -> Value {
        if let value = try optional(setting) { return value }
        let value = derived()
        record(setting, source: .derived, display: setting.isSecret ? "<redacted>" : setting.describe(value))
        return value
    }

    /// The setting's value or default; throws `missingValue` when neither exists.
    package mutating func required<Value>(_ setting: Setting<Value>) throws(ConfigurationError) -> Value {
        guard let value = try optional(setting) else {
            var places = [setting.flag]
            if let env = setting.environmentVariable { places.append(env) }
            places.append("'\(setting.name)' in the configuration file")
            throw ConfigurationError(code: .missingValue, setting: setting.name, message: "required; set \(places.joined(separator: ", or "))")
        }
        return value
    }

    /// Throws when the YAML file has keys no resolved setting knows (typos). Call after resolving.
    package func rejectUnknownFileKeys() throws(ConfigurationError) {
        let unknown = layers.file.keys.filter { !knownNames.contains($0) }.sorted()
        if !unknown.isEmpty {
            throw ConfigurationError(
                code: .invalidFile,
                message: "\(layers.filePath ?? "configuration file"): unknown setting(s) \(unknown.joined(separator: ", "))"
            )
        }
    }

    /// The effective configuration as `name = value  (source)` lines, secrets redacted.
    package func report() -> String {
        let width = resolved.map(\.name.count).max() ?? 0
        return resolved.map { setting in
            let padded = setting.name.padding(toLength: width, withPad: " ", startingAt: 0)
            return "\(padded) = \(setting.displayValue)  (\(setting.source))"
        }.joined(separator: "\n")
    }

    private mutating func record<Value>(_ setting: Setting<Value>, source: ConfigurationSource, display: String) {
        resolved.removeAll { $0.name == setting.name }
        resolved.append(ResolvedSetting(name: setting.name, source: source, displayValue: display))
    }

    private func rawValue<Value>(for setting: Setting<Value>) throws(ConfigurationError) -> (ConfigurationValue, ConfigurationSource)? {
        if let value = layers.flags[setting.name] { return (value, .flag) }
        if setting.isSecret, let path = layers.flags[setting.fileName] {
            return (try Self.readSecretFile(path, setting: setting.name), .flag)
        }
        if let env = setting.environmentVariable, let value = layers.environment[env], !value.isEmpty {
            return (.scalar(value), .environment)
        }
        if setting.isSecret, let env = setting.fileEnvironmentVariable, let path = layers.environment[env], !path.isEmpty {
            return (try Self.readSecretFile(.scalar(path), setting: setting.name), .environment)
        }
        if let value = layers.file[setting.name] { return (value, .file) }
        if setting.isSecret, let path = layers.file[setting.fileName] {
            return (try Self.readSecretFile(path, setting: setting.name), .file)
        }
        return nil
    }

    private static func readSecretFile(_ path: ConfigurationValue, setting: String) throws(ConfigurationError) -> ConfigurationValue {
        guard case .scalar(let path) = path else {
            throw ConfigurationError(code: .invalidValue, setting: setting, message: "expected a file path")
        }
        do {
            let content = try String(contentsOfFile: path, encoding: .utf8)
            // Files usually end with a newline; a secret never does.
            return .scalar(content.trimmingCharacters(in: .whitespacesAndNewlines))
        } catch {
            throw ConfigurationError(code: .unreadableSecretFile, setting: setting, message: "cannot read secret file \(path)")
        }
    }
}
