/// The layer a resolved setting came from, in precedence order.
package enum ConfigurationSource: String, Sendable, Hashable, CustomStringConvertible {
    case flag
    case environment
    case file
    case `default`
    /// Computed from other settings when not set (`<topic>.dlq`, the host name).
    case derived

    package var description: String { rawValue }
}
