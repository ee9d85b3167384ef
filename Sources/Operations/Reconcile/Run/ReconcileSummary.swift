/// What one reconciliation pass found and did.
public struct ReconcileSummary: Sendable, Hashable {
    /// One message whose Twilio status is not yet reflected in the sink (the dry run's sample).
    public struct Change: Sendable, Hashable {
        public var messageSid: String
        public var transition: Transition
    }

    /// Messages whose status was compared with Twilio's.
    public var checked = 0
    /// Stuck messages read from the sink, and messages Twilio listed (`--discover`).
    public var stuck = 0
    public var discovered = 0
    /// Messages whose Twilio status is not yet reflected, by transition.
    public var changed: [Transition: Int] = [:]
    public var unchanged = 0
    /// Of `unchanged`: stuck messages whose status Twilio confirmed (not yet recorded in the sink),
    /// published as confirmations (see ``ReconcileDecision``).
    public var confirmed = 0
    /// 404: deleted, redacted or expired at Twilio.
    public var notFound = 0
    /// Gave up after the retries (5xx, timeouts, unreadable answers).
    public var failed = 0
    /// Stuck messages of accounts not given with `--account` (not asked: other credentials).
    public var skippedAccounts = 0
    /// Events written to the topic, confirmations included (0 in a dry run).
    public var published = 0
    public var dryRun = false
    /// Up to the sample size of the changes, first found first.
    public var sample: [Change] = []
    /// Up to the sample size of the failures: sid and reason.
    public var failures: [String] = []
    /// Requests sent to Twilio, including retries; 429/503 answers.
    public var requests = 0
    public var throttled = 0
    public var retries = 0
    public var elapsedSeconds = 0.0

    public init() {}

    public var changedTotal: Int { changed.values.reduce(0, +) }

    /// Twilio requests per second over the pass.
    public var requestsPerSecond: Double { elapsedSeconds > 0 ? Double(requests) / elapsedSeconds : 0 }
}
