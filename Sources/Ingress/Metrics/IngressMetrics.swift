public import Prometheus

/// Every metric the ingress exports, created once on a Prometheus registry.
///
/// Names: `statusrelay_ingress_*`. Labels are low-cardinality (route, outcome, reason, path).
public final class IngressMetrics: Sendable {
    public let registry: PrometheusCollectorRegistry

    let publishedKafka: Counter
    let publishedSpool: Counter
    let publishLatencyKafka: DurationHistogram
    let publishLatencySpool: DurationHistogram
    let deadLettered: Counter
    let deadLetterFailures: Counter
    let unavailable: Counter
    let spoolRecords: Gauge
    let spoolBytes: Gauge
    let spoolOldestAge: Gauge
    let producerQueueLength: Gauge
    let drained: Counter
    let drainFailures: Counter
    let drainDropped: Counter

    public init(registry: PrometheusCollectorRegistry) {
        self.registry = registry
        let latencyBuckets: [Duration] = [
            .microseconds(500), .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10),
            .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500),
            .seconds(1), .milliseconds(2500), .seconds(5),
        ]
        let published = "statusrelay_ingress_published_total"
        let publishedHelp = "Events made durable, by path: kafka (broker acked) or spool (fsynced locally)."
        publishedKafka = registry.makeCounter(name: published, labels: [("path", "kafka")], help: publishedHelp)
        publishedSpool = registry.makeCounter(name: published, labels: [("path", "spool")], help: publishedHelp)
        let latency = "statusrelay_ingress_publish_duration_seconds"
        let latencyHelp = "Time from publish start until the event was durable, by path."
        publishLatencyKafka = registry.makeDurationHistogram(name: latency, labels: [("path", "kafka")], buckets: latencyBuckets, help: latencyHelp)
        publishLatencySpool = registry.makeDurationHistogram(name: latency, labels: [("path", "spool")], buckets: latencyBuckets, help: latencyHelp)
        deadLettered = registry.makeCounter(
            name: "statusrelay_ingress_dead_lettered_total", help: "Signed callbacks that failed normalization and went to the dead-letter topic."
        )
        deadLetterFailures = registry.makeCounter(
            name: "statusrelay_ingress_dead_letter_failures_total", help: "Dead-letter records that could not be stored anywhere."
        )
        unavailable = registry.makeCounter(
            name: "statusrelay_ingress_unavailable_total", help: "Events answered 503 because neither Kafka nor the spool could take them."
        )
        spoolRecords = registry.makeGauge(name: "statusrelay_ingress_spool_records", help: "Records in the spool waiting for Kafka.")
        spoolBytes = registry.makeGauge(name: "statusrelay_ingress_spool_bytes", help: "Bytes of spool segment files.")
        spoolOldestAge = registry.makeGauge(
            name: "statusrelay_ingress_spool_oldest_age_seconds", help: "Age of the oldest record waiting in the spool (0 when empty)."
        )
        producerQueueLength = registry.makeGauge(
            name: "statusrelay_ingress_producer_queue_length", help: "Messages in the Kafka producer queue awaiting delivery."
        )
        drained = registry.makeCounter(name: "statusrelay_ingress_spool_drained_total", help: "Spooled records published to Kafka.")
        drainFailures = registry.makeCounter(
            name: "statusrelay_ingress_spool_drain_failures_total", help: "Failed attempts to publish spooled records (retried)."
        )
        drainDropped = registry.makeCounter(
            name: "statusrelay_ingress_spool_dropped_total", help: "Spooled records Kafka permanently rejected (e.g. too large); logged."
        )
    }

    /// `statusrelay_ingress_requests_total{route, outcome}`; outcome is `accepted` or a rejection reason.
    func request(route: String, outcome: String) -> Counter {
        registry.makeCounter(
            name: "statusrelay_ingress_requests_total", labels: [("route", route), ("outcome", outcome)],
            help: "HTTP requests by route and outcome (accepted, or the rejection reason)."
        )
    }

    /// `statusrelay_ingress_signature_failures_total{reason}`.
    func signatureFailure(reason: String) -> Counter {
        registry.makeCounter(
            name: "statusrelay_ingress_signature_failures_total", labels: [("reason", reason)],
            help: "Requests rejected by signature verification, by reason."
        )
    }
}
