/// A status change reconciliation found: the sink's status (nil when the sink has no row) and
/// Twilio's. Shown as `sent → delivered` (`none → delivered`).
public struct Transition: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var from: String?
    public var to: String

    public init(from: String?, to: String) {
        self.from = from
        self.to = to
    }

    public var description: String { "\(from ?? "none") → \(to)" }

    public static func < (lhs: Transition, rhs: Transition) -> Bool {
        (lhs.from ?? "", lhs.to) < (rhs.from ?? "", rhs.to)
    }
}
