/// A message whose current status is not final and has not changed for longer than the threshold.
package struct StuckMessage: Sendable, Hashable {
    package var messageSid: String
    package var status: String
    /// Event time of its current status, milliseconds since the Unix epoch.
    package var updatedAt: Int64

    package init(messageSid: String, status: String, updatedAt: Int64) {
        self.messageSid = messageSid
        self.status = status
        self.updatedAt = updatedAt
    }
}
