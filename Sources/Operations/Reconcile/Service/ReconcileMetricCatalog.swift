import StatusRelayCore

/// Every metric family `statusrelay reconcile --every` exports, with its help text: the one place to
/// declare one (see ``MetricCatalog``). Names are a contract for the alert rules in `config/prometheus/`.
enum ReconcileMetricCatalog {
    static let catalog = MetricCatalog([
        .counter(
            "statusrelay_reconcile_runs_total",
            "Reconciliation passes: ok, partial (some messages failed after their retries) or failed (the pass stopped).",
            labels: [.init("outcome", values: ["ok", "partial", "failed"])]
        ),
        .counter(
            "statusrelay_reconcile_messages_total", "Messages checked with Twilio, by result.",
            labels: [.init("result", values: ["changed", "unchanged", "not_found", "failed", "skipped"])]
        ),
        .counter("statusrelay_reconcile_published_events_total", "Reconciliation events written to the topic."),
        .counter("statusrelay_reconcile_twilio_requests_total", "Requests sent to Twilio's Messages API."),
        .counter("statusrelay_reconcile_twilio_throttled_total", "429 and 503 answers from Twilio's API."),
        .counter("statusrelay_reconcile_twilio_retries_total", "Requests to Twilio's API sent again after a failure."),
        .counter("statusrelay_reconcile_unauthorized_total", "Passes stopped because Twilio answered 401 or 403."),
        .gauge("statusrelay_reconcile_last_success_timestamp_seconds", "Unix time at which the last pass that did not fail ended."),
        .gauge("statusrelay_reconcile_last_run_duration_seconds", "Duration of the last pass, in seconds."),
    ])
}
