/// A configuration problem found while resolving settings. Never carries a secret value.
package struct ConfigurationError: Error, Sendable, CustomStringConvertible {
    package struct Code: Hashable, Sendable, CustomStringConvertible {
        private let raw: String
        private init(_ raw: String) { self.raw = raw }
        package var description: String { raw }

        /// A value could not be decoded (bad duration, port, enum case, ...).
        package static let invalidValue = Code("invalid_value")
        /// A required setting has no value in any layer.
        package static let missingValue = Code("missing_value")
        /// The YAML file could not be read or parsed, or has unknown keys.
        package static let invalidFile = Code("invalid_file")
        /// A `*_FILE` secret file could not be read.
        package static let unreadableSecretFile = Code("unreadable_secret_file")
    }

    package var code: Code
    /// The setting's name (flag without dashes, also its YAML key), when the error is about one.
    package var setting: String?
    package var message: String
    /// The error behind it (a YAML parser's, a sink URL's), when there is one.
    package var underlying: (any Error)?

    package init(code: Code, setting: String? = nil, message: String, underlying: (any Error)? = nil) {
        self.code = code
        self.setting = setting
        self.message = message
        self.underlying = underlying
    }

    package var description: String {
        if let setting { "\(setting): \(message)" } else { message }
    }
}
