/// What `statusrelay report` computes.
package struct ReportConfiguration: Sendable {
    /// `sqlite:PATH` or `postgres://…`, the database a sink writes. Flag `--sink`.
    package var sink: String
    /// Window start, milliseconds since the Unix epoch. Flag `--since` (ISO time or `24h`, `7d`);
    /// default 24 hours before `now`.
    package var since: Int64
    /// Window end (exclusive). Flag `--until`; default `now`.
    package var until: Int64
    /// Period of the rows. Flag `--bucket hour|day`; default `hour`.
    package var bucket: ReportBucket
    /// A non-final status older than this is stuck. Flag `--stuck-after`; default 24 h.
    package var stuckAfter: Duration
    /// How many error codes to list. Default 10.
    package var topErrorLimit: Int
    /// How many stuck messages to list. Default 20.
    package var stuckSampleLimit: Int
    /// The clock, milliseconds since the Unix epoch (the stuck threshold is relative to it).
    package var now: Int64

    package init(
        sink: String, since: Int64? = nil, until: Int64? = nil, bucket: ReportBucket = .hour,
        stuckAfter: Duration = .seconds(86_400), topErrorLimit: Int = 10, stuckSampleLimit: Int = 20, now: Int64
    ) {
        self.sink = sink
        self.now = now
        self.since = since ?? now - 86_400_000
        self.until = until ?? now + 1
        self.bucket = bucket
        self.stuckAfter = stuckAfter
        self.topErrorLimit = topErrorLimit
        self.stuckSampleLimit = stuckSampleLimit
    }
}
