/// One flag or environment variable that a deployment file hands to one of our executables.
struct SettingUsage: Sendable, Hashable, CustomStringConvertible {
    enum Kind: Sendable, Hashable { case flag, environmentVariable }

    var kind: Kind
    var name: String
    var executable: String
    /// `file (service or stage)`, for the failure message.
    var location: String

    var description: String {
        let what = kind == .flag ? "flag" : "env var"
        return "\(location): \(what) \(name) is not in `\(executable) --help`"
    }

    /// Environment variables that belong to StatusRelay (others, like KAFKA_* for the broker image
    /// or PATH, are not ours to check).
    static func isOurs(environmentVariable name: String) -> Bool {
        name.hasPrefix("STATUSRELAY_") || name.hasPrefix("TWILIO_")
    }

    /// `--flag` tokens in a command line or shell script (`--flag=value` counts as `--flag`).
    static func flags(in text: String) -> [String] {
        text.matches(of: /(?:^|[^A-Za-z0-9_-])(--[a-z][a-z0-9-]*)/).map { String($0.output.1) }
    }

    /// Our variables assigned in a shell command line (`NAME=value`, `export NAME=value`).
    static func assignedVariables(in text: String) -> [String] {
        text.matches(of: /(?:^|[^A-Za-z0-9_])((?:STATUSRELAY|TWILIO)_[A-Z0-9_]+)=/).map { String($0.output.1) }
    }

    /// The usages none of `surfaces` (by executable) documents; a usage of an executable with no
    /// surface is reported too.
    static func violations(_ usages: [SettingUsage], surfaces: [String: HelpSurface]) -> [SettingUsage] {
        usages.filter { usage in
            guard let surface = surfaces[usage.executable] else { return true }
            switch usage.kind {
            case .flag: return !surface.flags.contains(usage.name)
            case .environmentVariable: return !surface.environmentVariables.contains(usage.name)
            }
        }
    }
}
