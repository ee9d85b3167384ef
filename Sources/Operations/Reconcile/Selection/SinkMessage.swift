/// A message's current state in a sink database, as reconciliation compares it with Twilio's.
public struct SinkMessage: Sendable, Hashable {
    public var messageSid: String
    public var accountSid: String
    public var status: String
    public var statusRank: Int?
    /// Event time of the current status, milliseconds since the Unix epoch.
    public var updatedAt: Int64
    /// Twilio's status at the message's last reconciliation (`message_status.reconciled_status`),
    /// nil when never reconciled or the sink predates the column.
    public var reconciledStatus: String?

    public init(
        messageSid: String, accountSid: String, status: String, statusRank: Int?, updatedAt: Int64, reconciledStatus: String? = nil
    ) {
        self.messageSid = messageSid
        self.accountSid = accountSid
        self.status = status
        self.statusRank = statusRank
        self.updatedAt = updatedAt
        self.reconciledStatus = reconciledStatus
    }
}
