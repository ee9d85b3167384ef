/// The delivery report: what ``DeliveryReportGenerator`` computes and the renderers show.
///
/// Messages are those with history rows whose event time is in `[since, until)`; each is counted in
/// the period of its first event in the window, under its current status in `message_status`.
/// Stuck messages are taken from all of `message_status`, not only the window, and split into those
/// not yet reconciled and those Twilio confirmed as still at their status.
package struct DeliveryReport: Sendable, Hashable {
    package var generatedAt: Int64
    package var since: Int64
    package var until: Int64
    package var bucket: ReportBucket
    package var stuckAfterMilliseconds: Int64
    /// The whole window.
    package var totals: DeliveryStats
    /// One row per period, in time order.
    package var periods: [DeliveryRow]
    /// One row per period, sender, messaging service and channel, in time order then by size.
    package var groups: [DeliveryRow]
    /// sent→delivered/undelivered latencies of the window.
    package var latencyHistogram: [HistogramBin]
    /// sent→delivered/undelivered by Twilio's own clock (`StatusEvent.twilioTime`), over the window's
    /// messages whose sent and receipt events both carry one (their number is `count`); never mixed
    /// with the ingress clock. Nil when no message has both.
    package var twilioLatency: LatencyPercentiles?
    /// Most frequent error codes of the window's messages, most frequent first.
    package var topErrors: [ErrorCodeCount]
    /// Stuck messages not yet reconciled, by current status: Twilio has not confirmed their status.
    package var stuckCounts: [String: Int]
    /// Stuck messages whose status Twilio confirmed at their last reconciliation (`sent`: no receipt
    /// from the carrier), by current status.
    package var confirmedStuckCounts: [String: Int] = [:]
    /// Statuses of the window that reconciliation recovered (history rows from `reconciliation`), by status.
    package var recoveredCounts: [String: Int] = [:]
    /// The longest-stuck messages not yet reconciled (a sample, oldest first).
    package var stuckSample: [StuckMessage]

    package init(
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
    package var stuckTotal: Int { stuckCounts.values.reduce(0, +) }
    package var confirmedStuckTotal: Int { confirmedStuckCounts.values.reduce(0, +) }
    package var recoveredTotal: Int { recoveredCounts.values.reduce(0, +) }
}
