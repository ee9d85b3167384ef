/// What a dry run found: how writing the replayed events would change the target sink.
package struct ReplayDryRunSummary: Sendable, Hashable {
    /// One message whose state would change.
    package struct Change: Sendable, Hashable {
        package var messageSid: String
        /// Current status in the sink, nil when the sink has no row for it.
        package var currentStatus: String?
        package var newStatus: String
        /// History rows that would be added.
        package var newEvents: Int

        package init(messageSid: String, currentStatus: String?, newStatus: String, newEvents: Int) {
            self.messageSid = messageSid
            self.currentStatus = currentStatus
            self.newStatus = newStatus
            self.newEvents = newEvents
        }
    }

    /// The sink compared against (`sqlite:…`/`postgres://…` without password), nil when the
    /// replay has no database sink (then every released event counts as new).
    package var comparedWith: String?
    /// Distinct messages in the replayed events.
    package var messages: Int = 0
    /// Messages whose current status would change (including messages the sink does not have).
    package var messagesChangingState: Int = 0
    /// Messages that would get history rows but keep their status (e.g. late events).
    package var messagesGainingHistoryOnly: Int = 0
    /// History rows that would be added.
    package var newEvents: Int = 0
    /// A sample of the messages whose state would change, sorted by sid.
    package var sample: [Change] = []

    package init() {}
}
