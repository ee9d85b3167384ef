/// What a dry run found: how writing the replayed events would change the target sink.
public struct ReplayDryRunSummary: Sendable, Hashable {
    /// One message whose state would change.
    public struct Change: Sendable, Hashable {
        public var messageSid: String
        /// Current status in the sink, nil when the sink has no row for it.
        public var currentStatus: String?
        public var newStatus: String
        /// History rows that would be added.
        public var newEvents: Int

        public init(messageSid: String, currentStatus: String?, newStatus: String, newEvents: Int) {
            self.messageSid = messageSid
            self.currentStatus = currentStatus
            self.newStatus = newStatus
            self.newEvents = newEvents
        }
    }

    /// The sink compared against (`sqlite:…`/`postgres://…` without password), nil when the
    /// replay has no database sink (then every released event counts as new).
    public var comparedWith: String?
    /// Distinct messages in the replayed events.
    public var messages: Int = 0
    /// Messages whose current status would change (including messages the sink does not have).
    public var messagesChangingState: Int = 0
    /// Messages that would get history rows but keep their status (e.g. late events).
    public var messagesGainingHistoryOnly: Int = 0
    /// History rows that would be added.
    public var newEvents: Int = 0
    /// A sample of the messages whose state would change, sorted by sid.
    public var sample: [Change] = []

    public init() {}
}
