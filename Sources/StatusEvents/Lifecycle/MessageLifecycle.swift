/// The one table of lifecycle ranks. Reordering releases a message's events in rank order, and
/// state sinks never move a message to a lower rank.
///
/// accepted = scheduled < queued < sending < sent < partially_delivered
///   < delivered = undelivered = failed = canceled < read.
/// Inbound statuses (receiving, received) and unknown statuses are unranked (nil).
public enum MessageLifecycle {
    public static let ranks: [String: Int] = [
        "accepted": 10,
        "scheduled": 10,
        "queued": 20,
        "sending": 30,
        "sent": 40,
        "partially_delivered": 50,
        "delivered": 60,
        "undelivered": 60,
        "failed": 60,
        "canceled": 60,
        "read": 70,
    ]

    /// Statuses after which Twilio sends no further change except `read`.
    public static let finalStatuses: Set<String> = ["delivered", "undelivered", "failed", "canceled", "read"]

    /// Statuses Twilio documents that deliberately have no rank (inbound messages).
    public static let unrankedKnownStatuses: Set<String> = ["receiving", "received"]

    /// The rank of a status (case-insensitive), or nil when unranked or unknown.
    public static func rank(of status: String) -> Int? {
        ranks[status.lowercased()]
    }
}
