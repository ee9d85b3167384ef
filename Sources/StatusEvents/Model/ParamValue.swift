extension StatusEvent {
    /// A received parameter: a single value, or the distinct values of a repeated name in UTF-8
    /// byte order (as the signature covers them).
    /// Encodes as a JSON string or an array of strings.
    public enum ParamValue: Codable, Sendable, Hashable {
        case single(String)
        case multiple([String])

        public var values: [String] {
            switch self {
            case .single(let value): [value]
            case .multiple(let values): values
            }
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let value = try? container.decode(String.self) {
                self = .single(value)
            } else {
                self = .multiple(try container.decode([String].self))
            }
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            switch self {
            case .single(let value): try container.encode(value)
            case .multiple(let values): try container.encode(values)
            }
        }
    }
}
