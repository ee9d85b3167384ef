import Metrics

/// Reconciliation metrics (swift-metrics; exported on `/metrics` of `--every`). Names are a public
/// contract for dashboards and alert rules:
///
/// - `statusrelay_reconcile_runs_total{outcome="ok|partial|failed"}`: passes; `partial` when some
///   messages failed after their retries, `failed` when the pass stopped (credentials, sink, Kafka);
/// - `statusrelay_reconcile_messages_total{result="changed|unchanged|not_found|failed|skipped"}`;
/// - `statusrelay_reconcile_published_events_total`: reconciliation events written to the topic;
/// - `statusrelay_reconcile_twilio_requests_total`, `statusrelay_reconcile_twilio_throttled_total`
///   (429/503 answers), `statusrelay_reconcile_twilio_retries_total`;
/// - `statusrelay_reconcile_unauthorized_total`: passes stopped by 401/403;
/// - `statusrelay_reconcile_last_success_timestamp_seconds`: end of the last pass that was not `failed`;
/// - `statusrelay_reconcile_last_run_duration_seconds`.
final class ReconcileMetrics: Sendable {
    let runsOK = Counter(label: "statusrelay_reconcile_runs_total", dimensions: [("outcome", "ok")])
    let runsPartial = Counter(label: "statusrelay_reconcile_runs_total", dimensions: [("outcome", "partial")])
    let runsFailed = Counter(label: "statusrelay_reconcile_runs_total", dimensions: [("outcome", "failed")])
    let changed = Counter(label: "statusrelay_reconcile_messages_total", dimensions: [("result", "changed")])
    let unchanged = Counter(label: "statusrelay_reconcile_messages_total", dimensions: [("result", "unchanged")])
    let notFound = Counter(label: "statusrelay_reconcile_messages_total", dimensions: [("result", "not_found")])
    let failed = Counter(label: "statusrelay_reconcile_messages_total", dimensions: [("result", "failed")])
    let skipped = Counter(label: "statusrelay_reconcile_messages_total", dimensions: [("result", "skipped")])
    let published = Counter(label: "statusrelay_reconcile_published_events_total")
    let requests = Counter(label: "statusrelay_reconcile_twilio_requests_total")
    let throttled = Counter(label: "statusrelay_reconcile_twilio_throttled_total")
    let retries = Counter(label: "statusrelay_reconcile_twilio_retries_total")
    let unauthorized = Counter(label: "statusrelay_reconcile_unauthorized_total")
    let lastSuccess = Gauge(label: "statusrelay_reconcile_last_success_timestamp_seconds")
    let lastDuration = Gauge(label: "statusrelay_reconcile_last_run_duration_seconds")

    /// Counts a pass that ran to its end.
    func record(_ summary: ReconcileSummary, endedAt seconds: Double) {
        (summary.failed > 0 ? runsPartial : runsOK).increment()
        changed.increment(by: summary.changedTotal)
        unchanged.increment(by: summary.unchanged)
        notFound.increment(by: summary.notFound)
        failed.increment(by: summary.failed)
        skipped.increment(by: summary.skippedAccounts)
        published.increment(by: summary.published)
        requests.increment(by: summary.requests)
        throttled.increment(by: summary.throttled)
        retries.increment(by: summary.retries)
        lastSuccess.record(seconds)
        lastDuration.record(summary.elapsedSeconds)
    }

    /// Counts a pass that stopped.
    func recordFailure(_ error: ReconcileError, durationSeconds: Double) {
        runsFailed.increment()
        if error.code == .unauthorized { unauthorized.increment() }
        lastDuration.record(durationSeconds)
    }
}
