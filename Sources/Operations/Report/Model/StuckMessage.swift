/// A message whose current status is not final and has not changed for longer than the threshold.
public struct StuckMessage: Sendable, Hashable {
    public var messageSid: String
    public var status: String
    /// Event time of its current status, milliseconds since the Unix epoch.
    public var updatedAt: Int64

    public init(messageSid: String, status: String, updatedAt: Int64) {
        self.messageSid = messageSid
        self.status = status
        self.updatedAt = updatedAt
    }
}
