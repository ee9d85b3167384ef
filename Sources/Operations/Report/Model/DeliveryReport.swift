/// The delivery report: what ``DeliveryReportGenerator`` computes and the renderers show.
///
/// Messages are those with history rows whose event time is in `[since, until)`; each is counted in
/// the period of its first event in the window, under its current status in `message_status`.
/// Stuck messages are taken from all of `message_status`, not only the window, and split into those
/// not yet reconciled and those Twilio confirmed as still at their status.
public struct DeliveryReport: Sendable, Hashable {
    public var generatedAt: Int64
    public var since: Int64
    public var until: Int64
    public var bucket: ReportBucket
    public var stuckAfterMilliseconds: Int64
    /// The whole window.
    public var totals: DeliveryStats
    /// One row per period, in time order.
    public var periods: [DeliveryRow]
    /// One row per period, sender, messaging service and channel, in time order then by size.
    public var groups: [DeliveryRow]
    /// sent→delivered/undelivered latencies of the window.
    public var latencyHistogram: [HistogramBin]
    /// Most frequent error codes of the window's messages, most frequent first.
    public var topErrors: [ErrorCodeCount]
    /// Stuck messages not yet reconciled, by current status: Twilio has not confirmed their status.
    public var stuckCounts: [String: Int]
    /// Stuck messages whose status Twilio confirmed at their last reconciliation (`sent`: no receipt
    /// from the carrier), by current status.
    public var confirmedStuckCounts: [String: Int] = [:]
    /// Statuses of the window that reconciliation recovered (history rows from `reconciliation`), by status.
    public var recoveredCounts: [String: Int] = [:]
    /// The longest-stuck messages not yet reconciled (a sample, oldest first).
    public var stuckSample: [StuckMessage]

    public init(
        generatedAt: Int64, since: Int64, until: Int64, bucket: ReportBucket, stuckAfterMilliseconds: Int64,
        totals: DeliveryStats = DeliveryStats(), periods: [DeliveryRow] = [], groups: [DeliveryRow] = [],
        latencyHistogram: [HistogramBin] = [],
        topErrors: [ErrorCodeCount] = [], stuckCounts: [String: Int] = [:], stuckSample: [StuckMessage] = []
    ) {
        self.generatedAt = generatedAt
        self.since = since
        self.until = until
        self.bucket = bucket
        self.stuckAfterMilliseconds = stuckAfterMilliseconds
        self.totals = totals
        self.periods = periods
        self.groups = groups
        self.latencyHistogram = latencyHistogram
        self.topErrors = topErrors
        self.stuckCounts = stuckCounts
        self.stuckSample = stuckSample
    }

    /// Stuck messages not yet reconciled.
    public var stuckTotal: Int { stuckCounts.values.reduce(0, +) }
    public var confirmedStuckTotal: Int { confirmedStuckCounts.values.reduce(0, +) }
    public var recoveredTotal: Int { recoveredCounts.values.reduce(0, +) }
}
