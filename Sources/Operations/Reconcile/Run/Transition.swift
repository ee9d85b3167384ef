/// A status change reconciliation found: the sink's status (nil when the sink has no row) and
/// Twilio's. Shown as `sent → delivered` (`none → delivered`).
package struct Transition: Sendable, Hashable, Comparable, CustomStringConvertible {
    package var from: String?
    package var to: String

    package init(from: String?, to: String) {
        self.from = from
        self.to = to
    }

    package var description: String { "\(from ?? "none") → \(to)" }

    package static func < (lhs: Transition, rhs: Transition) -> Bool {
        (lhs.from ?? "", lhs.to) < (rhs.from ?? "", rhs.to)
    }
}
