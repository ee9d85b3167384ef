package import Prometheus
import StatusRelayCore

/// Every metric the ingress exports, created once on a Prometheus registry (declared, with help
/// texts, in ``IngressMetricCatalog``).
///
/// Names: `statusrelay_ingress_*`. Labels are low-cardinality (route, outcome, reason, path).
package final class IngressMetrics: Sendable {
    package let registry: PrometheusCollectorRegistry

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

    package init(registry: PrometheusCollectorRegistry, spoolMaxBytes: Int? = nil) {
        self.registry = registry
        let catalog = IngressMetricCatalog.catalog
        func counter(_ name: String, _ labels: [(String, String)] = []) -> Counter {
            catalog.counter("statusrelay_ingress_\(name)", labels, in: registry)
        }
        func gauge(_ name: String) -> Gauge { catalog.gauge("statusrelay_ingress_\(name)", in: registry) }
        let latencyBuckets: [Duration] = [
            .microseconds(500), .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10),
            .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500),
            .seconds(1), .milliseconds(2500), .seconds(5),
        ]
        func latency(_ path: String) -> DurationHistogram {
            catalog.durationHistogram("statusrelay_ingress_publish_duration_seconds", [("path", path)], buckets: latencyBuckets, in: registry)
        }
        publishedKafka = counter("published_total", [("path", "kafka")])
        publishedSpool = counter("published_total", [("path", "spool")])
        publishLatencyKafka = latency("kafka")
        publishLatencySpool = latency("spool")
        deadLettered = counter("dead_lettered_total")
        deadLetterFailures = counter("dead_letter_failures_total")
        unavailable = counter("unavailable_total")
        spoolRecords = gauge("spool_records")
        spoolBytes = gauge("spool_bytes")
        spoolOldestAge = gauge("spool_oldest_age_seconds")
        producerQueueLength = gauge("producer_queue_length")
        drained = counter("spool_drained_total")
        drainFailures = counter("spool_drain_failures_total")
        drainDropped = counter("spool_dropped_total")
        if let spoolMaxBytes { gauge("spool_max_bytes").set(Double(spoolMaxBytes)) }
        // Every series with known labels at 0 (a registry made for a test is not bootstrapped).
        catalog.prime(in: registry)
    }

    /// `statusrelay_ingress_requests_total{route, outcome}`; outcome is `accepted` or a rejection reason.
    func request(route: String, outcome: String) -> Counter {
        IngressMetricCatalog.catalog.counter("statusrelay_ingress_requests_total", [("route", route), ("outcome", outcome)], in: registry)
    }

    /// `statusrelay_ingress_basic_auth_failures_total{reason}`.
    func basicAuthFailure(reason: String) -> Counter {
        IngressMetricCatalog.catalog.counter("statusrelay_ingress_basic_auth_failures_total", [("reason", reason)], in: registry)
    }

    /// `statusrelay_ingress_signature_failures_total{reason}`.
    func signatureFailure(reason: String) -> Counter {
        IngressMetricCatalog.catalog.counter("statusrelay_ingress_signature_failures_total", [("reason", reason)], in: registry)
    }

    /// `statusrelay_ingress_other_events_total{type}`: a listed type, else `other`.
    func otherEvent(type: String) -> Counter {
        let label = IngressMetricCatalog.otherEventTypes.contains(type) ? type : "other"
        return IngressMetricCatalog.catalog.counter("statusrelay_ingress_other_events_total", [("type", label)], in: registry)
    }
}
