/// What one reconciliation pass found and did.
package struct ReconcileSummary: Sendable, Hashable {
    /// One message whose Twilio status is not yet reflected in the sink (the dry run's sample).
    package struct Change: Sendable, Hashable {
        package var messageSid: String
        package var transition: Transition
    }

    /// Messages whose status was compared with Twilio's.
    package var checked = 0
    /// Stuck messages read from the sink, and messages Twilio listed (`--discover`).
    package var stuck = 0
    package var discovered = 0
    /// Messages whose Twilio status is not yet reflected, by transition.
    package var changed: [Transition: Int] = [:]
    package var unchanged = 0
    /// Of `unchanged`: stuck messages whose status Twilio confirmed (not yet recorded in the sink),
    /// published as confirmations (see ``ReconcileDecision``).
    package var confirmed = 0
    /// 404: deleted, redacted or expired at Twilio.
    package var notFound = 0
    /// Gave up after the retries (5xx, timeouts, unreadable answers).
    package var failed = 0
    /// Stuck messages of accounts not given with `--account` (not asked: other credentials).
    package var skippedAccounts = 0
    /// Events written to the topic, confirmations included (0 in a dry run).
    package var published = 0
    package var dryRun = false
    /// Up to the sample size of the changes, first found first.
    package var sample: [Change] = []
    /// Up to the sample size of the failures: sid and reason.
    package var failures: [String] = []
    /// Requests sent to Twilio, including retries; 429/503 answers.
    package var requests = 0
    package var throttled = 0
    package var retries = 0
    package var elapsedSeconds = 0.0

    package init() {}

    package var changedTotal: Int { changed.values.reduce(0, +) }

    /// Twilio requests per second over the pass.
    package var requestsPerSecond: Double { elapsedSeconds > 0 ? Double(requests) / elapsedSeconds : 0 }
}
