extension Setting where Value == String {
    package static func string(_ name: String, env: String?, default defaultValue: String?, _ summary: String) -> Self {
        Self(name: name, environmentVariable: env, defaultValue: defaultValue, summary: summary) { value throws(ConfigurationError) in
            guard case .scalar(let text) = value else {
                throw ConfigurationError(code: .invalidValue, setting: name, message: "expected a single value")
            }
            return text
        }
    }
}

extension Setting where Value == String {
    /// A URL, shown through ``SecretRedaction/redact(url:)`` (userinfo and query values hidden).
    package static func url(_ name: String, env: String?, default defaultValue: String?, _ summary: String) -> Self {
        let text = string(name, env: env, default: defaultValue, summary)
        return Self(
            name: name, environmentVariable: env, defaultValue: defaultValue, summary: summary,
            describe: SecretRedaction.redact(url:), decode: text.decode
        )
    }
}

extension Setting where Value == Int {
    package static func int(
        _ name: String, env: String?, default defaultValue: Int?, range: ClosedRange<Int> = 0...Int.max, _ summary: String
    ) -> Self {
        Self(name: name, environmentVariable: env, defaultValue: defaultValue, summary: summary) { value throws(ConfigurationError) in
            guard case .scalar(let text) = value, let number = Int(text.trimmingWhitespace()), range.contains(number) else {
                throw ConfigurationError(code: .invalidValue, setting: name, message: "expected an integer in \(range), got \(value.quoted)")
            }
            return number
        }
    }

    /// A byte size: `65536`, `64KiB`, `16MiB`, `1GiB` (also `KB`/`MB`/`GB` as powers of 1000).
    package static func byteSize(_ name: String, env: String?, default defaultValue: Int?, _ summary: String) -> Self {
        Self(
            name: name, environmentVariable: env, defaultValue: defaultValue, summary: summary,
            describe: ByteSizeFormat.format
        ) { value throws(ConfigurationError) in
            guard case .scalar(let text) = value, let bytes = ByteSizeFormat.parse(text) else {
                throw ConfigurationError(code: .invalidValue, setting: name, message: "expected a size such as 65536, 64KiB or 1GiB, got \(value.quoted)")
            }
            return bytes
        }
    }
}

extension Setting where Value == Double {
    package static func double(_ name: String, env: String?, default defaultValue: Double?, _ summary: String) -> Self {
        Self(name: name, environmentVariable: env, defaultValue: defaultValue, summary: summary) { value throws(ConfigurationError) in
            guard case .scalar(let text) = value, let number = Double(text.trimmingWhitespace()), number >= 0 else {
                throw ConfigurationError(code: .invalidValue, setting: name, message: "expected a non-negative number, got \(value.quoted)")
            }
            return number
        }
    }
}

extension Setting where Value == Bool {
    package static func bool(_ name: String, env: String?, default defaultValue: Bool, _ summary: String) -> Self {
        Self(name: name, environmentVariable: env, defaultValue: defaultValue, summary: summary) { value throws(ConfigurationError) in
            guard case .scalar(let text) = value else {
                throw ConfigurationError(code: .invalidValue, setting: name, message: "expected true or false, got \(value.quoted)")
            }
            switch text.trimmingWhitespace().lowercased() {
            case "1", "true", "yes", "on": return true
            case "0", "false", "no", "off", "": return false
            default: throw ConfigurationError(code: .invalidValue, setting: name, message: "expected true or false, got \(value.quoted)")
            }
        }
    }
}

extension Setting where Value == Duration {
    package static func duration(_ name: String, env: String?, default defaultValue: Duration?, _ summary: String) -> Self {
        Self(
            name: name, environmentVariable: env, defaultValue: defaultValue, summary: summary,
            describe: DurationFormat.format
        ) { value throws(ConfigurationError) in
            guard case .scalar(let text) = value, let duration = DurationFormat.parse(text) else {
                throw ConfigurationError(code: .invalidValue, setting: name, message: "expected a duration such as 250ms, 3s or 1m, got \(value.quoted)")
            }
            return duration
        }
    }
}

extension Setting where Value == HostPort {
    package static func hostPort(_ name: String, env: String?, default defaultValue: HostPort?, _ summary: String) -> Self {
        Self(name: name, environmentVariable: env, defaultValue: defaultValue, summary: summary) { value throws(ConfigurationError) in
            guard case .scalar(let text) = value, let address = HostPort(parsing: text) else {
                throw ConfigurationError(code: .invalidValue, setting: name, message: "expected HOST:PORT, got \(value.quoted)")
            }
            return address
        }
    }
}

extension Setting where Value == [String] {
    /// A list: repeated flags, a YAML sequence, or a comma-separated string (env var).
    package static func list(_ name: String, env: String?, default defaultValue: [String]?, _ summary: String) -> Self {
        Self(
            name: name, environmentVariable: env, defaultValue: defaultValue,
            defaultDescription: defaultValue?.isEmpty == true ? "none" : nil, summary: summary,
            describe: { $0.isEmpty ? "none" : $0.joined(separator: ",") }
        ) { value in value.listItems }
    }

    /// A list of URLs, shown through ``SecretRedaction/redact(url:)`` (userinfo and query values hidden).
    package static func urlList(_ name: String, env: String?, default defaultValue: [String]?, _ summary: String) -> Self {
        Self(
            name: name, environmentVariable: env, defaultValue: defaultValue,
            defaultDescription: defaultValue?.isEmpty == true ? "none" : nil, summary: summary,
            describe: { $0.isEmpty ? "none" : $0.map(SecretRedaction.redact(url:)).joined(separator: ",") }
        ) { value in value.listItems }
    }

    /// A comma-separated list of secrets (e.g. auth tokens under rotation); never printed.
    package static func secretList(_ name: String, env: String?, _ summary: String) -> Self {
        var setting = list(name, env: env, default: nil, summary)
        setting.isSecret = true
        return setting
    }
}

extension Setting where Value == [String: String] {
    /// `KEY=VALUE` pairs: repeated flags, a YAML mapping/list, or comma-separated env var.
    package static func keyValues(_ name: String, env: String?, secret: Bool = false, _ summary: String) -> Self {
        var setting = Self(
            name: name, environmentVariable: env, defaultValue: [:], defaultDescription: "none", summary: summary,
            describe: { SecretRedaction.describe(keyValues: $0) }
        ) { value throws(ConfigurationError) in try KeyValueList.parse(value, setting: name) }
        setting.isSecret = secret
        return setting
    }
}

extension Setting where Value: RawRepresentable & CaseIterable & Sendable, Value.RawValue == String {
    package static func choice(_ name: String, env: String?, default defaultValue: Value?, _ summary: String) -> Self {
        Self(
            name: name, environmentVariable: env, defaultValue: defaultValue, summary: summary,
            describe: { $0.rawValue }
        ) { value throws(ConfigurationError) in
            guard case .scalar(let text) = value, let choice = Value(rawValue: text.trimmingWhitespace().lowercased()) else {
                let choices = Value.allCases.map(\.rawValue).joined(separator: ", ")
                throw ConfigurationError(code: .invalidValue, setting: name, message: "expected one of \(choices), got \(value.quoted)")
            }
            return choice
        }
    }
}
