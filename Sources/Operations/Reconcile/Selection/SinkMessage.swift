/// A message's current state in a sink database, as reconciliation compares it with Twilio's.
public struct SinkMessage: Sendable, Hashable {
    public var messageSid: String
    public var accountSid: String
    public var status: String
    public var statusRank: Int?
    /// Event time of the current status, milliseconds since the Unix epoch.
    public var updatedAt: Int64

    public init(messageSid: String, accountSid: String, status: String, statusRank: Int?, updatedAt: Int64) {
        self.messageSid = messageSid
        self.accountSid = accountSid
        self.status = status
        self.statusRank = statusRank
        self.updatedAt = updatedAt
    }
}
