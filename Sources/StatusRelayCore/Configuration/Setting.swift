/// One configuration setting: its names in every layer, its default and how to decode it.
///
/// The same `name` is the flag (`--name`) and the YAML key (`name:`); `environmentVariable` is
/// its env var. Secret settings also accept `--name-file`, `NAME_FILE` and `name-file:` holding
/// a path whose content is the value, and are never printed.
package struct Setting<Value: Sendable>: Sendable {
    package var name: String
    package var environmentVariable: String?
    package var defaultValue: Value?
    /// How the default is shown in help and `--check-config` (nil: no default).
    package var defaultDescription: String?
    package var summary: String
    package var isSecret: Bool
    let decode: @Sendable (ConfigurationValue) throws(ConfigurationError) -> Value
    let describe: @Sendable (Value) -> String

    package init(
        name: String,
        environmentVariable: String?,
        defaultValue: Value?,
        defaultDescription: String? = nil,
        summary: String,
        isSecret: Bool = false,
        describe: @escaping @Sendable (Value) -> String = { "\($0)" },
        decode: @escaping @Sendable (ConfigurationValue) throws(ConfigurationError) -> Value
    ) {
        self.name = name
        self.environmentVariable = environmentVariable
        self.defaultValue = defaultValue
        self.defaultDescription = defaultDescription ?? defaultValue.map(describe)
        self.summary = summary
        self.isSecret = isSecret
        self.decode = decode
        self.describe = describe
    }

    /// `--name`
    package var flag: String { "--\(name)" }
    /// For secrets: the name of the companion "read it from this file" setting.
    package var fileName: String { "\(name)-file" }
    package var fileEnvironmentVariable: String? { environmentVariable.map { "\($0)_FILE" } }

    /// Help text for `--help`: summary, env var and default.
    package var help: String {
        var parts: [String] = []
        if let environmentVariable { parts.append("env: \(environmentVariable)") }
        if let defaultDescription, !isSecret { parts.append("default: \(defaultDescription)") }
        return parts.isEmpty ? summary : "\(summary) (\(parts.joined(separator: ", ")))"
    }

    /// Help text for a secret's `--name-file` companion.
    package var fileHelp: String {
        let env = fileEnvironmentVariable.map { " (env: \($0))" } ?? ""
        return "Read \(flag) from this file instead\(env)."
    }

    func invalid(_ message: String) -> ConfigurationError {
        ConfigurationError(code: .invalidValue, setting: name, message: message)
    }
}
