import Metrics
import Synchronization

/// The consumer's metrics (swift-metrics; exported by the Prometheus backend on `/metrics`).
/// Names are a public contract for dashboards.
final class ConsumerMetrics: Sendable {
    let consumed = Counter(label: "statusrelay_consumer_messages_total")
    let released = Counter(label: "statusrelay_consumer_released_events_total")
    let late = Counter(label: "statusrelay_consumer_late_events_total")
    /// Dropped duplicates by `kind`: `event_id` (an id already seen), `cross_source` (a status the
    /// message already has, from another source).
    let duplicates = Counter(label: "statusrelay_consumer_duplicate_events_total", dimensions: [("kind", "event_id")])
    let crossSourceDuplicates = Counter(label: "statusrelay_consumer_duplicate_events_total", dimensions: [("kind", "cross_source")])
    let earlyReleased = Counter(label: "statusrelay_consumer_early_released_events_total")
    let unranked = Counter(label: "statusrelay_consumer_unranked_events_total")
    let expiredStates = Counter(label: "statusrelay_consumer_expired_states_total")
    let implausibleTimes = Counter(label: "statusrelay_consumer_implausible_event_time_total")
    let decodeErrors = Counter(label: "statusrelay_consumer_decode_errors_total")
    /// Records and events set aside, by why: `decode` (undecodable), `key_mismatch` (key is not the
    /// event's messageSid), `sink_rejected` (a sink refuses the event for good).
    let deadLetteredUndecodable = Counter(label: "statusrelay_consumer_dead_lettered_total", dimensions: [("reason", "decode")])
    let deadLetteredKeyMismatch = Counter(label: "statusrelay_consumer_dead_lettered_total", dimensions: [("reason", "key_mismatch")])
    let deadLetteredRejected = Counter(label: "statusrelay_consumer_dead_lettered_total", dimensions: [("reason", "sink_rejected")])
    /// Dead-letter records sent with their payload truncated to fit.
    let deadLetterTruncated = Counter(label: "statusrelay_consumer_dead_letter_truncated_total")
    /// Records the dead-letter topic refused even truncated (or dead-lettering is disabled): logged and skipped.
    let deadLetterDropped = Counter(label: "statusrelay_consumer_dead_letter_dropped_total")
    let buffered = Gauge(label: "statusrelay_consumer_buffered_events")
    let commits = Counter(label: "statusrelay_consumer_commits_total")
    let commitErrors = Counter(label: "statusrelay_consumer_commit_errors_total")
    let stateWrites = Counter(label: "statusrelay_consumer_state_writes_total")
    let stateErrors = Counter(label: "statusrelay_consumer_state_write_errors_total")
    let batchSize = Recorder(label: "statusrelay_consumer_batch_events", aggregate: true)
    let sinkPaused = Gauge(label: "statusrelay_consumer_paused")

    func deadLettered(_ kind: DeadLetterRecord.Kind) -> Counter {
        switch kind {
        case .undecodable: deadLetteredUndecodable
        case .keyMismatch: deadLetteredKeyMismatch
        case .rejected: deadLetteredRejected
        }
    }

    private struct PerKey: Sendable {
        var lag: [Int32: Gauge] = [:]
        var watermarkDelay: [Int32: Gauge] = [:]
    }

    private let perKey = Mutex(PerKey())
    private let lastStatistics = Mutex(ReorderStatistics())

    func lag(partition: Int32) -> Gauge {
        perKey.withLock { state in
            if let gauge = state.lag[partition] { return gauge }
            let gauge = Gauge(label: "statusrelay_consumer_lag", dimensions: [("partition", String(partition))])
            state.lag[partition] = gauge
            return gauge
        }
    }

    /// Watermark delay: how far, in seconds of event time, the partition's watermark trails its newest event.
    func watermarkDelay(partition: Int32) -> Gauge {
        perKey.withLock { state in
            if let gauge = state.watermarkDelay[partition] { return gauge }
            let gauge = Gauge(label: "statusrelay_consumer_watermark_delay_seconds", dimensions: [("partition", String(partition))])
            state.watermarkDelay[partition] = gauge
            return gauge
        }
    }

    /// Publishes the growth of the reorderer's cumulative statistics since the last call.
    func record(_ statistics: ReorderStatistics, buffered count: Int) {
        let previous = lastStatistics.withLock { last in
            defer { last = statistics }
            return last
        }
        func add(_ counter: Counter, _ now: Int, _ before: Int) {
            if now > before { counter.increment(by: now - before) }
        }
        add(released, statistics.released, previous.released)
        add(late, statistics.late, previous.late)
        add(duplicates, statistics.duplicates, previous.duplicates)
        add(crossSourceDuplicates, statistics.crossSourceDuplicates, previous.crossSourceDuplicates)
        add(earlyReleased, statistics.earlyReleased, previous.earlyReleased)
        add(unranked, statistics.unranked, previous.unranked)
        add(expiredStates, statistics.expiredStates, previous.expiredStates)
        add(implausibleTimes, statistics.implausibleTimes, previous.implausibleTimes)
        buffered.record(count)
    }
}
