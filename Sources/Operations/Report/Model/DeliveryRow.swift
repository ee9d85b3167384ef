/// One row of a report table: a period, optionally narrowed to a sender, messaging service and
/// channel (empty string = not present on the message's events).
public struct DeliveryRow: Sendable, Hashable {
    /// Start of the period, milliseconds since the Unix epoch (UTC); nil for the whole window.
    public var bucket: Int64?
    public var sender: String?
    public var messagingService: String?
    public var channel: String?
    public var stats: DeliveryStats

    public init(bucket: Int64?, sender: String? = nil, messagingService: String? = nil, channel: String? = nil, stats: DeliveryStats = DeliveryStats()) {
        self.bucket = bucket
        self.sender = sender
        self.messagingService = messagingService
        self.channel = channel
        self.stats = stats
    }
}
