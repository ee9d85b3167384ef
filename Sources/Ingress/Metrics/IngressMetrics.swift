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

    static func name(_ metric: String, _ unit: String, _ help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(namespace: "statusrelay", subsystem: "ingress", metricName: metric, unitName: unit, helpText: help)
    }

    public init(registry: PrometheusCollectorRegistry) {
        self.registry = registry
        let latencyBuckets: [Duration] = [
            .microseconds(500), .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10),
            .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500),
            .seconds(1), .milliseconds(2500), .seconds(5),
        ]
        let published = Self.name("published", "total", "Records made durable (events and dead letters), by path: kafka (acked) or spool (fsynced).")
        publishedKafka = registry.makeCounter(descriptor: published, labels: [("path", "kafka")])
        publishedSpool = registry.makeCounter(descriptor: published, labels: [("path", "spool")])
        let latency = Self.name("publish_duration", "seconds", "Time from publish start until the record was durable, by path.")
        publishLatencyKafka = registry.makeDurationHistogram(descriptor: latency, labels: [("path", "kafka")], buckets: latencyBuckets)
        publishLatencySpool = registry.makeDurationHistogram(descriptor: latency, labels: [("path", "spool")], buckets: latencyBuckets)
        deadLettered = registry.makeCounter(
            descriptor: Self.name("dead_lettered", "total", "Signed callbacks that failed normalization and went to the dead-letter topic.")
        )
        deadLetterFailures = registry.makeCounter(
            descriptor: Self.name("dead_letter_failures", "total", "Dead-letter records that could not be stored anywhere.")
        )
        unavailable = registry.makeCounter(
            descriptor: Self.name("unavailable", "total", "Records answered 503 because neither Kafka nor the spool could take them.")
        )
        spoolRecords = registry.makeGauge(descriptor: Self.name("spool", "records", "Records in the spool waiting for Kafka."))
        spoolBytes = registry.makeGauge(descriptor: Self.name("spool", "bytes", "Bytes of spool segment files."))
        spoolOldestAge = registry.makeGauge(
            descriptor: Self.name("spool_oldest_age", "seconds", "Age of the oldest record waiting in the spool (0 when empty).")
        )
        producerQueueLength = registry.makeGauge(
            descriptor: Self.name("producer_queue", "length", "Messages in the Kafka producer queue awaiting delivery.")
        )
        drained = registry.makeCounter(descriptor: Self.name("spool_drained", "total", "Spooled records published to Kafka."))
        drainFailures = registry.makeCounter(
            descriptor: Self.name("spool_drain_failures", "total", "Failed attempts to publish spooled records (retried).")
        )
        drainDropped = registry.makeCounter(
            descriptor: Self.name("spool_dropped", "total", "Spooled records Kafka permanently rejected (e.g. too large); logged.")
        )
    }

    /// `statusrelay_ingress_requests_total{route, outcome}`; outcome is `accepted` or a rejection reason.
    func request(route: String, outcome: String) -> Counter {
        registry.makeCounter(
            descriptor: Self.name("requests", "total", "HTTP requests by route and outcome (accepted, or the rejection reason)."),
            labels: [("route", route), ("outcome", outcome)]
        )
    }

    /// `statusrelay_ingress_signature_failures_total{reason}`.
    func signatureFailure(reason: String) -> Counter {
        registry.makeCounter(
            descriptor: Self.name("signature_failures", "total", "Requests rejected by signature verification, by reason."),
            labels: [("reason", reason)]
        )
    }
}
