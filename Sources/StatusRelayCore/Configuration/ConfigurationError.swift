/// A configuration problem found while resolving settings. Never carries a secret value.
public struct ConfigurationError: Error, Sendable, CustomStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let raw: String
        private init(_ raw: String) { self.raw = raw }
        public var description: String { raw }

        /// A value could not be decoded (bad duration, port, enum case, ...).
        public static let invalidValue = Code("invalid_value")
        /// A required setting has no value in any layer.
        public static let missingValue = Code("missing_value")
        /// The YAML file could not be read or parsed, or has unknown keys.
        public static let invalidFile = Code("invalid_file")
        /// A `*_FILE` secret file could not be read.
        public static let unreadableSecretFile = Code("unreadable_secret_file")
    }

    public var code: Code
    /// The setting's name (flag without dashes, also its YAML key), when the error is about one.
    public var setting: String?
    public var message: String
    /// The error behind it (a YAML parser's, a sink URL's), when there is one.
    public var underlying: (any Error)?

    public init(code: Code, setting: String? = nil, message: String, underlying: (any Error)? = nil) {
        self.code = code
        self.setting = setting
        self.message = message
        self.underlying = underlying
    }

    public var description: String {
        if let setting { "\(setting): \(message)" } else { message }
    }
}
