public import StatusEvents

/// A status released for a message and the sources whose copy of it was released: what tells a
/// cross-source duplicate (the same status again from another source) from a new event. Kept in
/// ``MessageState`` and the changelog as `["sent",1]`.
public struct ReleasedStatus: Sendable, Hashable, Codable {
    /// The status in ``MessageState/idDigest(_:)`` form (statuses come from the topic: any length).
    public var status: String
    /// Bit set of ``ReleasedStatus/bit(_:)`` of the sources.
    public var sources: UInt8

    public init(status: String, sources: UInt8) {
        self.status = status
        self.sources = sources
    }

    /// The bit of a source in ``sources``.
    public static func bit(_ source: StatusEvent.Source) -> UInt8 {
        switch source {
        case .statusCallback: 1
        case .eventStreams: 2
        case .reconciliation: 4
        }
    }

    public init(from decoder: any Decoder) throws {
        var container = try decoder.unkeyedContainer()
        status = try container.decode(String.self)
        sources = try container.decode(UInt8.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.unkeyedContainer()
        try container.encode(status)
        try container.encode(sources)
    }
}
