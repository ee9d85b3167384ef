/// What one reconciliation pass asks Twilio about, and how.
public struct ReconcileConfiguration: Sendable {
    /// A time range of `--discover`: `[since, until)` in ms since the Unix epoch (`until` nil: now).
    public struct Discovery: Sendable, Hashable {
        public var since: Int64
        public var until: Int64?

        public init(since: Int64, until: Int64?) {
            self.since = since
            self.until = until
        }
    }

    /// `sqlite:PATH` or `postgres://…`: where stuck messages and current statuses are read.
    public var sink: String?
    /// Accounts whose messages are asked about: the credentials' own and every `--account`.
    public var accounts: [String]
    /// A message is stuck when its status is not final and unchanged for longer than this…
    public var staleAfter: Duration
    /// …and its status was set less than this long ago.
    public var maxAge: Duration
    public var discovery: Discovery?
    /// Twilio requests in flight at most.
    public var concurrency: Int
    /// `PageSize` of `--discover` list requests (Twilio allows 1…1000).
    public var pageSize: Int
    /// Compare and report, publish nothing.
    public var dryRun: Bool
    /// How many changes and failures the summary lists.
    public var sampleSize: Int

    public init(
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
