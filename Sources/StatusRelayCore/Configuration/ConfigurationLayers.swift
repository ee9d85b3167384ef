import Foundation

/// The raw inputs of configuration, highest precedence first: flags > environment > file > defaults.
package struct ConfigurationLayers: Sendable {
    /// Values given on the command line, by setting name (the flag without `--`).
    package var flags: [String: ConfigurationValue]
    /// The process environment (or a test's stand-in).
    package var environment: [String: String]
    /// The parsed YAML file, by setting name; empty when no file was given.
    package var file: [String: ConfigurationValue]
    package var filePath: String?

    package init(
        flags: [String: ConfigurationValue] = [:],
        environment: [String: String] = [:],
        file: [String: ConfigurationValue] = [:],
        filePath: String? = nil
    ) {
        self.flags = flags
        self.environment = environment
        self.file = file
        self.filePath = filePath
    }

    /// The layers of a command run by this process: its flags, the process environment, and the
    /// YAML file given with `--config` (`configFlag`) or else `STATUSRELAY_CONFIG`. The one place a
    /// command's settings meet the environment.
    package static func process(flags: FlagValues, configFlag: String?) throws(ConfigurationError) -> ConfigurationLayers {
        let environment = ProcessInfo.processInfo.environment
        let path = configFlag ?? environment["STATUSRELAY_CONFIG"].flatMap { $0.isEmpty ? nil : $0 }
        return try ConfigurationLayers(flags: flags.values, environment: environment, configPath: path)
    }

    /// Builds layers, loading the YAML file at `configPath` when given.
    package init(flags: [String: ConfigurationValue], environment: [String: String], configPath: String?) throws(ConfigurationError) {
        self.init(
            flags: flags,
            environment: environment,
            file: try configPath.map { path throws(ConfigurationError) in try ConfigurationFile.load(path: path) } ?? [:],
            filePath: configPath
        )
    }
}

/// Collects flag values for `ConfigurationLayers.flags` from ArgumentParser optionals.
package struct FlagValues: Sendable {
    package private(set) var values: [String: ConfigurationValue] = [:]

    package init() {}

    package mutating func set(_ name: String, _ value: String?) {
        if let value { values[name] = .scalar(value) }
    }

    package mutating func set(_ name: String, _ value: Bool) {
        if value { values[name] = .scalar("true") }
    }

    package mutating func set(_ name: String, _ list: [String]) {
        if !list.isEmpty { values[name] = .list(list) }
    }
}
