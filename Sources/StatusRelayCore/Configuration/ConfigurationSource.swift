/// The layer a resolved setting came from, in precedence order.
public enum ConfigurationSource: String, Sendable, Hashable, CustomStringConvertible {
    case flag
    case environment
    case file
    case `default`

    public var description: String { rawValue }
}
