/// A message's current state in a sink database, as reconciliation compares it with Twilio's.
package struct SinkMessage: Sendable, Hashable {
    package var messageSid: String
    package var accountSid: String
    package var status: String
    package var statusRank: Int?
    /// Event time of the current status, milliseconds since the Unix epoch.
    package var updatedAt: Int64
    /// Twilio's status at the message's last reconciliation (`message_status.reconciled_status`),
    /// nil when never reconciled or the sink predates the column.
    package var reconciledStatus: String?

    package init(
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
