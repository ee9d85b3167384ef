import StatusRelayCore

/// Settings of the per-message reorderer.
package struct ReorderConfiguration: Sendable, Hashable {
    /// How long events are held, in event time, so that a message's late-arriving lower statuses can
    /// be released first. 0 releases every event at once (no reordering; late events are still flagged).
    /// Default 3 s. Flag `--reorder-window`, env `STATUSRELAY_REORDER_WINDOW`.
    package var window: Duration
    /// Upper bound on events held across all assigned partitions. When it is reached the oldest
    /// (by event time) are released early and counted. Default 100 000.
    /// Flag `--max-buffered-events`, env `STATUSRELAY_MAX_BUFFERED_EVENTS`.
    package var maxBufferedEvents: Int
    /// How long a partition must receive nothing before its watermark advances with the wall clock,
    /// when the consumer cannot tell that it has caught up with the log (a caught-up partition follows
    /// the clock at once). Until then only event time moves it, so gaps between fetches while catching
    /// up on a backlog (or replaying) never release events early. Default: the window, at least 1 s.
    package var idleGrace: Duration

    /// How many recent event ids each message's state remembers for duplicate detection. Default 16.
    package var recentEventIDLimit: Int
    /// How long, in event time, a message's state is kept after its last released event. Older states
    /// are dropped from memory and tombstoned in the changelog, so memory follows the traffic of the
    /// retention period instead of growing forever. An event for a dropped message starts it afresh
    /// (sequence 1; database sinks still never regress and never duplicate a history row). Nil keeps
    /// every state. Default 7 days. Flag `--state-retention` (0 = keep forever), env
    /// `STATUSRELAY_STATE_RETENTION`.
    package var stateRetention: Duration?
    /// How far an event's time (`receivedAt`) may lie ahead of the consumer's clock before it is
    /// implausible: such an event (an ingress with a wrong clock, a hand-written record) is
    /// released with `eventTimeImplausible` and counted, and its time neither moves the watermark
    /// nor keeps or expires any state (see ``PartitionReorderer``). Nil disables the check.
    /// Default 5 min. Flag `--max-event-time-ahead` (0 = no check), env `STATUSRELAY_MAX_EVENT_TIME_AHEAD`.
    package var maxEventTimeAhead: Duration?

    package init(
        window: Duration = .seconds(3), maxBufferedEvents: Int = 100_000, recentEventIDLimit: Int = 16,
        idleGrace: Duration? = nil, stateRetention: Duration? = .seconds(7 * 24 * 3600),
        maxEventTimeAhead: Duration? = .seconds(300)
    ) {
        self.stateRetention = stateRetention.flatMap { $0 > .zero ? $0 : nil }
        self.maxEventTimeAhead = maxEventTimeAhead.flatMap { $0 > .zero ? $0 : nil }
        self.window = window
        self.idleGrace = idleGrace ?? max(window, .seconds(1))
        self.maxBufferedEvents = max(1, maxBufferedEvents)
        self.recentEventIDLimit = max(1, recentEventIDLimit)
    }

    var idleGraceMilliseconds: Int64 { max(0, idleGrace.milliseconds) }

    var stateRetentionMilliseconds: Int64? { stateRetention.map { max(1, $0.milliseconds) } }

    var maxEventTimeAheadMilliseconds: Int64? { maxEventTimeAhead.map { max(0, $0.milliseconds) } }

    /// The window in milliseconds (event time is in milliseconds).
    var windowMilliseconds: Int64 { max(0, window.milliseconds) }
}
