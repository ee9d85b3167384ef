/// One row of a report table: a period, optionally narrowed to a sender, messaging service and
/// channel (empty string = not present on the message's events).
package struct DeliveryRow: Sendable, Hashable {
    /// Start of the period, milliseconds since the Unix epoch (UTC); nil for the whole window.
    package var bucket: Int64?
    package var sender: String?
    package var messagingService: String?
    package var channel: String?
    package var stats: DeliveryStats

    package init(bucket: Int64?, sender: String? = nil, messagingService: String? = nil, channel: String? = nil, stats: DeliveryStats = DeliveryStats()) {
        self.bucket = bucket
        self.sender = sender
        self.messagingService = messagingService
        self.channel = channel
        self.stats = stats
    }
}
