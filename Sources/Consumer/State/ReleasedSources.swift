import StatusEvents

/// Which sources' copies of each status were released for a message: what tells a cross-source
/// duplicate (the same status again from another source) from a new event. Three bits per status
/// of ``statuses`` in one integer, so it costs a message's state no allocation; kept in
/// ``MessageState`` and the changelog as `"rel":<integer>`.
package struct ReleasedSources: Sendable, Hashable, Codable {
    /// The statuses tracked, by bit position. Append only: the positions are stored in the
    /// changelog. Other statuses (unknown to Twilio's documentation) are not tracked.
    static let statuses = [
        "accepted", "scheduled", "queued", "sending", "sent", "partially_delivered", "delivered", "undelivered", "failed",
        "canceled", "read", "receiving", "received",
    ]
    private static let index: [String: Int] = Dictionary(uniqueKeysWithValues: statuses.enumerated().map { ($1, $0) })

    package private(set) var bits: UInt64

    package init(bits: UInt64 = 0) { self.bits = bits }

    /// The bit of a source within a status's three.
    static func bit(_ source: StatusEvent.Source) -> UInt64 {
        switch source {
        case .statusCallback: 1
        case .eventStreams: 2
        case .reconciliation: 4
        }
    }

    /// Whether `status` is tracked.
    static func tracks(_ status: String) -> Bool { index[status] != nil }

    /// The source bits of `status` (0 when none was released or it is not tracked).
    func sources(of status: String) -> UInt64 {
        guard let position = Self.index[status] else { return 0 }
        return (bits >> UInt64(3 * position)) & 7
    }

    /// Notes a released copy of `status` from `source`.
    mutating func insert(_ status: String, from source: StatusEvent.Source) {
        guard let position = Self.index[status] else { return }
        bits |= Self.bit(source) << UInt64(3 * position)
    }

    package init(from decoder: any Decoder) throws {
        bits = try decoder.singleValueContainer().decode(UInt64.self)
    }

    package func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(bits)
    }
}
