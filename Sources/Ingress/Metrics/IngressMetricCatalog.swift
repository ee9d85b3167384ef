package import StatusRelayCore
import StatusEvents

/// Every metric family the ingress exports, with its help text: the one place to declare one.
/// Series whose label values are listed here exist at 0 from start (see ``MetricCatalog``).
package enum IngressMetricCatalog {
    /// Reasons counted in `statusrelay_ingress_signature_failures_total` (`WebhookError` reasons).
    static let signatureFailureReasons = [
        "missing_signature", "invalid_signature", "unknown_signing_key", "unsupported_signature_algorithm",
        "invalid_signature_settings", "no_signing_secret", "missing_body_hash", "body_hash_mismatch",
    ]

    /// Event Streams types of `statusrelay_ingress_other_events_total` that get their own label
    /// value; every other type is counted as `other` (the log line names it): the label stays
    /// bounded whatever a subscription or a signed batch sends.
    static let otherEventTypes = [
        EventStreamsNormalizer.sinkTestType, "com.twilio.messaging.inbound-message.received",
    ]

    /// Reasons counted in `statusrelay_ingress_basic_auth_failures_total` (`IngressError` reasons).
    static let basicAuthFailureReasons = [IngressError.Code.missingCredentials.reason, IngressError.Code.invalidCredentials.reason]

    package static let catalog = MetricCatalog([
        .counter(
            "statusrelay_ingress_published_total",
            "Records made durable (events and dead letters), by path: kafka (acked) or spool (fsynced).",
            labels: [.init("path", values: ["kafka", "spool"])]
        ),
        .histogram(
            "statusrelay_ingress_publish_duration_seconds", "Time from publish start until the record was durable, by path.",
            labels: [.init("path", values: ["kafka", "spool"])]
        ),
        .counter(
            "statusrelay_ingress_dead_lettered_total", "Signed callbacks that failed normalization and went to the dead-letter topic."
        ),
        .counter("statusrelay_ingress_dead_letter_failures_total", "Dead-letter records that could not be stored anywhere."),
        .counter("statusrelay_ingress_unavailable_total", "Records answered 503 because neither Kafka nor the spool could take them."),
        .gauge("statusrelay_ingress_spool_records", "Records in the spool waiting for Kafka."),
        .gauge("statusrelay_ingress_spool_bytes", "Bytes of spool segment files."),
        .gauge("statusrelay_ingress_spool_max_bytes", "The spool's capacity (--spool-max-bytes); at this size the ingress answers 503."),
        .gauge("statusrelay_ingress_spool_oldest_age_seconds", "Age of the oldest record waiting in the spool (0 when empty)."),
        .gauge("statusrelay_ingress_producer_queue_length", "Messages in the Kafka producer queue awaiting delivery."),
        .counter("statusrelay_ingress_spool_drained_total", "Spooled records published to Kafka."),
        .counter("statusrelay_ingress_spool_drain_failures_total", "Failed attempts to publish spooled records (retried)."),
        .counter("statusrelay_ingress_spool_dropped_total", "Spooled records Kafka permanently rejected (e.g. too large); logged."),
        .counter(
            "statusrelay_ingress_requests_total", "HTTP requests by route and outcome (accepted, or the rejection reason).",
            labels: [
                .init("route", values: Route.allCases.filter { $0 != .unknown }.map(\.rawValue)),
                .init("outcome", values: ["accepted"]),
            ]
        ),
        .counter(
            "statusrelay_ingress_other_events_total",
            "Event Streams events that are not message statuses (the Sink Test event, other subscribed types): answered 200, logged, not published.",
            labels: [.init("type", values: otherEventTypes + ["other"])]
        ),
        .counter(
            "statusrelay_ingress_signature_failures_total", "Requests rejected by signature verification, by reason.",
            labels: [.init("reason", values: signatureFailureReasons)]
        ),
        .counter(
            "statusrelay_ingress_basic_auth_failures_total",
            "Callbacks answered 401 because the public URL has user:password@ and the request's basic credentials were missing or wrong.",
            labels: [.init("reason", values: basicAuthFailureReasons)]
        ),
    ])
}
