/// Cumulative counters of a reorderer, for metrics. They only grow (per instance).
package struct ReorderStatistics: Sendable, Hashable {
    /// Events handed out for the sinks (including late and early ones).
    package var released: Int = 0
    /// Released with `late: true`: `CurrentStatusRule` ranks an already released event of their message higher.
    package var late: Int = 0
    /// Dropped because their event id was buffered or recently released for the message.
    package var duplicates: Int = 0
    /// Dropped because the message already had their status from another source.
    package var crossSourceDuplicates: Int = 0
    /// Released before the watermark passed them because the buffer was full.
    package var earlyReleased: Int = 0
    /// Unranked events passed straight through.
    package var unranked: Int = 0
    /// Message states dropped because their retention ran out.
    package var expiredStates: Int = 0
    /// Events whose time lay beyond `maxEventTimeAhead` of the consumer's clock (released with
    /// `eventTimeImplausible`).
    package var implausibleTimes: Int = 0

    package init() {}

    static func + (lhs: ReorderStatistics, rhs: ReorderStatistics) -> ReorderStatistics {
        var sum = lhs
        sum.released += rhs.released
        sum.late += rhs.late
        sum.duplicates += rhs.duplicates
        sum.crossSourceDuplicates += rhs.crossSourceDuplicates
        sum.earlyReleased += rhs.earlyReleased
        sum.unranked += rhs.unranked
        sum.expiredStates += rhs.expiredStates
        sum.implausibleTimes += rhs.implausibleTimes
        return sum
    }
}
