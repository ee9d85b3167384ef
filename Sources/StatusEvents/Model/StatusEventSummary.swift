/// The fields of a `StatusEvent` that ordering and deduplication use: what a consumer needs of an
/// event whose JSON it forwards unchanged (see `StatusEventCodec.decodeSummary`).
public struct StatusEventSummary: Sendable, Hashable {
    public var id: String
    public var messageSid: String
    public var status: String
    public var statusRank: Int?
    /// Event time, milliseconds since the Unix epoch.
    public var receivedAt: Int64
    public var source: StatusEvent.Source

    public init(
        id: String, messageSid: String, status: String, statusRank: Int?, receivedAt: Int64,
        source: StatusEvent.Source = .statusCallback
    ) {
        self.id = id
        self.messageSid = messageSid
        self.status = status
        self.statusRank = statusRank
        self.receivedAt = receivedAt
        self.source = source
    }

    public init(_ event: StatusEvent) {
        self.init(
            id: event.id, messageSid: event.messageSid, status: event.status, statusRank: event.statusRank,
            receivedAt: event.receivedAt, source: event.source
        )
    }
}
