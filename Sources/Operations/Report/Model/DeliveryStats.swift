import StatusEvents

/// Counts and latencies of a set of messages (all of a period, a sender, …).
package struct DeliveryStats: Sendable, Hashable {
    /// Messages by their current (final, when they reached one) status.
    package var statusCounts: [String: Int] = [:]
    /// History rows of these messages in the window.
    package var events = 0
    /// Events released with `late: true` (arrived after a higher status of their message).
    package var lateEvents = 0
    /// Events repeating a status their message already had in the history (a second callback for
    /// the same status with different content). Byte-identical duplicates never reach the tables:
    /// the consumer drops them and counts them in `statusrelay_consumer_duplicates_total`.
    package var repeatedEvents = 0
    /// Time from the `sent` event to the first carrier receipt (`delivered` or `undelivered`), both
    /// by the ingress clock (`receivedAt`). `RawDlrDoneDate` has no time zone and is no part of it.
    package var latency: LatencyPercentiles?

    package init() {}

    package var messages: Int { statusCounts.values.reduce(0, +) }

    package func count(_ status: String) -> Int { statusCounts[status] ?? 0 }

    /// Messages that reached `delivered` or `read`.
    package var delivered: Int { count("delivered") + count("read") }

    /// Messages without a final status yet (including unknown and inbound statuses).
    package var inFlight: Int {
        statusCounts.filter { !MessageLifecycle.finalStatuses.contains($0.key) }.values.reduce(0, +)
    }

    /// delivered (or read) / (delivered + read + undelivered + failed): the share of messages that
    /// reached a handset among those whose fate is known. Canceled messages never left Twilio and
    /// are not counted. Nil when no message has a fate yet.
    package var deliveryRate: Double? {
        let decided = delivered + count("undelivered") + count("failed")
        return decided == 0 ? nil : Double(delivered) / Double(decided)
    }
}
