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
    /// `StatusEvent.statusTime`: the time the current-status rule compares.
    public var statusTime: Int64

    public init(_ event: StatusEvent) {
        id = event.id
        messageSid = event.messageSid
        status = event.status
        statusRank = event.statusRank
        receivedAt = event.receivedAt
        source = event.source
        statusTime = event.statusTime
    }
}
