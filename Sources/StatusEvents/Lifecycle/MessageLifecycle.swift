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

    /// Why a record's `statusRank` is not its status's rank, or nil when it is. The rank is a
    /// function of the status: a record that states another (a foreign producer, a tampered record)
    /// is not a v1 event, so nothing downstream orders or stores by a rank it made up. A record that
    /// states none (null or absent) claims nothing: its rank is its status's, like everyone's.
    public static func rankProblem(status: String, statusRank: Int64?) -> String? {
        guard let statusRank else { return nil }
        let expected = rank(of: status)
        if statusRank == expected.map(Int64.init) { return nil }
        let shown = status.utf8.count > 64 ? String(status.prefix(64)).debugDescription + "…" : status.debugDescription
        return "statusRank \(statusRank) does not match status \(shown), whose rank is "
            + (expected.map(String.init) ?? "null (unranked)")
    }
}
