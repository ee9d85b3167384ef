/// What one reconciliation pass asks Twilio about, and how.
package struct ReconcileConfiguration: Sendable {
    /// A time range of `--discover`: `[since, until)` in ms since the Unix epoch (`until` nil: now).
    package struct Discovery: Sendable, Hashable {
        package var since: Int64
        package var until: Int64?

        package init(since: Int64, until: Int64?) {
            self.since = since
            self.until = until
        }
    }

    /// `sqlite:PATH` or `postgres://…`: where stuck messages and current statuses are read.
    package var sink: String?
    /// Accounts whose messages are asked about: the credentials' own and every `--account`.
    package var accounts: [String]
    /// A message is stuck when its status is not final and unchanged for longer than this…
    package var staleAfter: Duration
    /// …and its status was set less than this long ago.
    package var maxAge: Duration
    package var discovery: Discovery?
    /// Twilio requests in flight at most.
    package var concurrency: Int
    /// `PageSize` of `--discover` list requests (Twilio allows 1…1000).
    package var pageSize: Int
    /// Compare and report, publish nothing.
    package var dryRun: Bool
    /// How many changes and failures the summary lists.
    package var sampleSize: Int

    package init(
        sink: String?, accounts: [String], staleAfter: Duration = .seconds(15 * 60), maxAge: Duration = .seconds(7 * 86400),
        discovery: Discovery? = nil, concurrency: Int = 8, pageSize: Int = 1000, dryRun: Bool = false, sampleSize: Int = 10
    ) {
        self.sink = sink
        self.accounts = accounts
        self.staleAfter = staleAfter
        self.maxAge = maxAge
        self.discovery = discovery
        self.concurrency = concurrency
        self.pageSize = pageSize
        self.dryRun = dryRun
        self.sampleSize = sampleSize
    }
}
