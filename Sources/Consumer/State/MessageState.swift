/// What StatusRelay remembers about one message between events: enough to drop duplicates, flag late
/// events and continue the per-message sequence. Kept durably (see `StateStore`), so a restarted or
/// newly assigned consumer neither re-emits nor regresses.
public struct MessageState: Sendable, Hashable, Codable {
    /// Highest lifecycle rank released so far, nil when only unranked events were released.
    public var lastRank: Int?
    /// Status of the event that set `lastRank`.
    public var lastStatus: String?
    /// Sequence number of the last released event (0 before the first).
    public var sequence: Int
    /// The most recently released event ids, oldest first, bounded by
    /// `ReorderConfiguration.recentEventIDLimit`.
    public var recentEventIDs: [String]
    /// Highest event time (`receivedAt`) released for the message; drives state retention. Nil in
    /// states written before it existed (they are kept until a new event sets it).
    public var lastEventTime: Int64?

    public init(
        lastRank: Int? = nil, lastStatus: String? = nil, sequence: Int = 0, recentEventIDs: [String] = [],
        lastEventTime: Int64? = nil
    ) {
        self.lastRank = lastRank
        self.lastStatus = lastStatus
        self.sequence = sequence
        self.recentEventIDs = recentEventIDs
        self.lastEventTime = lastEventTime
    }

    enum CodingKeys: String, CodingKey {
        case lastRank = "rank"
        case lastStatus = "status"
        case sequence = "seq"
        case recentEventIDs = "ids"
        case lastEventTime = "at"
    }
}
