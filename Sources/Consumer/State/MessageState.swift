/// What StatusRelay remembers about one message between events: enough to drop duplicates, flag late
/// events and continue the per-message sequence. Kept durably (see `StateStore`), so a restarted or
/// newly assigned consumer neither re-emits nor regresses.
package struct MessageState: Sendable, Hashable, Codable {
    /// Rank of the current status (see `CurrentStatusRule`), nil when it is unranked or none.
    package var lastRank: Int?
    /// The current status: that of the released event the rule ranks highest; nil before one.
    package var lastStatus: String?
    /// `statusTime` of the event that set the current status. Nil in states written before it
    /// existed: the rule then treats that status as the latest of its rank.
    package var lastStatusTime: Int64?
    /// Id of the event that set the current status (the rule's tie-break); nil in older states.
    package var lastStatusEventID: String?
    /// Sequence number of the last released event (0 before the first).
    package var sequence: Int
    /// The most recently released event ids, oldest first, bounded by
    /// `ReorderConfiguration.recentEventIDLimit`. Ids longer than 15 bytes are kept as their
    /// `idDigest`, which Swift stores inline: a state then costs one allocation, not one per id.
    package var recentEventIDs: [String]
    /// The partition's newest event time when the message's latest released event arrived (at least
    /// that event's own `receivedAt`); drives state retention. Nil in states written before it
    /// existed (they are kept until a new event sets it).
    package var lastEventTime: Int64?
    /// The sources of the released copies of each status: the same status from another source is
    /// a cross-source duplicate. Empty in states written before it existed.
    package var releasedSources: ReleasedSources

    package init(
        lastRank: Int? = nil, lastStatus: String? = nil, sequence: Int = 0, recentEventIDs: [String] = [],
        lastEventTime: Int64? = nil, lastStatusTime: Int64? = nil, lastStatusEventID: String? = nil,
        releasedSources: ReleasedSources = ReleasedSources()
    ) {
        self.lastRank = lastRank
        self.lastStatus = lastStatus
        self.lastStatusTime = lastStatusTime
        self.lastStatusEventID = lastStatusEventID
        self.sequence = sequence
        self.recentEventIDs = recentEventIDs
        self.lastEventTime = lastEventTime
        self.releasedSources = releasedSources
    }

    enum CodingKeys: String, CodingKey {
        case lastRank = "rank"
        case lastStatus = "status"
        case sequence = "seq"
        case recentEventIDs = "ids"
        case lastEventTime = "at"
        case releasedSources = "rel"
        case lastStatusTime = "st"
        case lastStatusEventID = "sid"
    }

    package init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        lastRank = try container.decodeIfPresent(Int.self, forKey: .lastRank)
        lastStatus = try container.decodeIfPresent(String.self, forKey: .lastStatus)
        sequence = try container.decode(Int.self, forKey: .sequence)
        recentEventIDs = try container.decode([String].self, forKey: .recentEventIDs)
        lastEventTime = try container.decodeIfPresent(Int64.self, forKey: .lastEventTime)
        lastStatusTime = try container.decodeIfPresent(Int64.self, forKey: .lastStatusTime)
        lastStatusEventID = try container.decodeIfPresent(String.self, forKey: .lastStatusEventID)
        releasedSources = try container.decodeIfPresent(ReleasedSources.self, forKey: .releasedSources) ?? ReleasedSources()
    }

    /// As `jsonBytes()` writes it: `rel` only when there are released statuses.
    package func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(lastRank, forKey: .lastRank)
        try container.encodeIfPresent(lastStatus, forKey: .lastStatus)
        try container.encode(sequence, forKey: .sequence)
        try container.encode(recentEventIDs, forKey: .recentEventIDs)
        try container.encodeIfPresent(lastStatusTime, forKey: .lastStatusTime)
        try container.encodeIfPresent(lastStatusEventID, forKey: .lastStatusEventID)
        try container.encodeIfPresent(lastEventTime, forKey: .lastEventTime)
        if releasedSources.bits != 0 { try container.encode(releasedSources, forKey: .releasedSources) }
    }

    /// The form an event id takes in `recentEventIDs`: the id itself when it fits a small string
    /// (15 UTF-8 bytes), otherwise `~` + base-36 FNV-1a-64 of it. A false duplicate needs two of a
    /// message's ids to collide in 64 bits.
    package static func idDigest(_ id: String) -> String {
        var id = id
        let hash: UInt64? = id.withUTF8 { bytes in bytes.count > 15 ? FNV1a.hash(bytes) : nil }
        guard let hash else { return id }
        // "~" + `String(hash, radix: 36)`, written by hand: it runs for every event, and at most
        // 14 bytes it is a small string, so this allocates nothing.
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 14) { buffer in
            var rest = hash
            var start = 14
            repeat {
                start -= 1
                let digit = UInt8(rest % 36)
                buffer[start] = digit < 10 ? UInt8(ascii: "0") + digit : UInt8(ascii: "a") + digit - 10
                rest /= 36
            } while rest > 0
            start -= 1
            buffer[start] = UInt8(ascii: "~")
            return String(decoding: UnsafeBufferPointer(rebasing: buffer[start...]), as: UTF8.self)
        }
    }

    /// This state with every remembered id in digest form (states written by older versions kept
    /// full ids).
    func withDigestedIDs() -> MessageState {
        guard recentEventIDs.contains(where: { $0.utf8.count > 15 }) else { return self }
        var copy = self
        copy.recentEventIDs = recentEventIDs.map(Self.idDigest)
        return copy
    }
}
