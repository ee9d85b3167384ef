extension StatusEvent {
    /// Twilio's `ErrorCode`: a JSON number when numeric, otherwise the text as received.
    public enum ErrorCode: Codable, Sendable, Hashable, CustomStringConvertible {
        case numeric(Int)
        case text(String)

        public init(parsing raw: String) {
            if let number = Int(raw) { self = .numeric(number) } else { self = .text(raw) }
        }

        public var description: String {
            switch self {
            case .numeric(let code): String(code)
            case .text(let text): text
            }
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let number = try? container.decode(Int.self) {
                self = .numeric(number)
            } else {
                self = .text(try container.decode(String.self))
            }
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            switch self {
            case .numeric(let code): try container.encode(code)
            case .text(let text): try container.encode(text)
            }
        }
    }
}
