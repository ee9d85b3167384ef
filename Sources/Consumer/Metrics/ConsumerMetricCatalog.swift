package import StatusRelayCore

/// Every metric family the consumer exports, with its help text: the one place to declare one.
/// Series whose label values are listed exist at 0 from start; a sink's series from the moment
/// the sink is made (``SinkMetrics``). See ``MetricCatalog``.
package enum ConsumerMetricCatalog {
    package static let catalog = MetricCatalog([
        .counter("statusrelay_consumer_messages_total", "Records read from the topic."),
        .counter("statusrelay_consumer_released_events_total", "Events the reorderer released to the sinks (late ones included)."),
        .counter(
            "statusrelay_consumer_late_events_total",
            "Events that arrived after their message's reorder window closed; delivered with late=true."
        ),
        .counter(
            "statusrelay_consumer_duplicate_events_total",
            "Events dropped as duplicates, by kind: event_id (the id was already seen), cross_source (the message already had the status from another source).",
            labels: [.init("kind", values: ["event_id", "cross_source"])]
        ),
        .counter(
            "statusrelay_consumer_early_released_events_total",
            "Events released before their window closed because the buffer was full (--max-buffered-events)."
        ),
        .counter("statusrelay_consumer_unranked_events_total", "Events with a status outside the known lifecycle."),
        .counter("statusrelay_consumer_expired_states_total", "Per-message states dropped after --state-retention."),
        .counter(
            "statusrelay_consumer_implausible_event_time_total",
            "Events whose receivedAt lay more than --max-event-time-ahead past the consumer's clock; delivered, ordered at their partition's newest plausible event time."
        ),
        .counter("statusrelay_consumer_decode_errors_total", "Records that could not be decoded as a status event."),
        .counter(
            "statusrelay_consumer_dead_lettered_total", "Records the consumer sent to the dead-letter topic, by reason.",
            labels: [.init("reason", values: ["decode", "key_mismatch", "sink_rejected"])]
        ),
        .counter("statusrelay_consumer_dead_letter_truncated_total", "Dead-letter records sent with their payload truncated to fit the topic."),
        .counter(
            "statusrelay_consumer_dead_letter_dropped_total",
            "Records the dead-letter topic refused even truncated (or dead-lettering is off): logged and skipped."
        ),
        .gauge("statusrelay_consumer_buffered_events", "Events held by the reorderer, waiting for their window."),
        .counter("statusrelay_consumer_commits_total", "Offset commits."),
        .counter("statusrelay_consumer_commit_errors_total", "Offset commits that failed (retried at the next checkpoint)."),
        .counter("statusrelay_consumer_state_writes_total", "Checkpoints written to the state topic."),
        .counter("statusrelay_consumer_state_write_errors_total", "Checkpoints the state topic did not accept (retried)."),
        .histogram("statusrelay_consumer_batch_events", "Events per batch handed to the sinks."),
        .gauge("statusrelay_consumer_paused", "1 while consumption is paused because a sink is failing, else 0."),
        .gauge(
            "statusrelay_consumer_lag", "Records between the consumer's position and the end of the partition (high watermark).",
            labels: [.init("partition")]
        ),
        .gauge(
            "statusrelay_consumer_watermark_delay_seconds",
            "How far, in event time, the partition's watermark trails its newest event.",
            labels: [.init("partition")]
        ),
        .histogram("statusrelay_sink_write_duration_seconds", "Time to write one batch, by sink.", labels: [.init("sink")]),
        .counter("statusrelay_sink_events_total", "Events a sink accepted.", labels: [.init("sink")]),
        .counter(
            "statusrelay_sink_errors_total", "Failed sink operations (start, write, flush), by sink and error code.",
            labels: [
                .init("sink"),
                .init("code", values: SinkError.Code.allCases.map(\.description) + ["start_failed", "unknown", "flush_failed"]),
            ]
        ),
        .counter(
            "statusrelay_sink_dead_lettered_total", "Events a sink gave up on and sent to the dead-letter topic, by sink and reason.",
            labels: [.init("sink"), .init("reason", values: ["retries_exhausted"])]
        ),
        .counter("statusrelay_sink_retries_total", "Delivery attempts retried (HTTP forwarding).", labels: [.init("sink")]),
    ])
}
