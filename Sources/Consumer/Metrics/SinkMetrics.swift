import Metrics
import StatusRelayCore

/// The metrics of one sink, all labelled `sink=<name>` (declared in ``ConsumerMetricCatalog``; every
/// series with known labels exists at 0 from the sink's creation):
/// - `statusrelay_sink_write_duration_seconds` (histogram): time to write one batch;
/// - `statusrelay_sink_events_total`: events accepted;
/// - `statusrelay_sink_errors_total` (also labelled `code`): failed writes;
/// - `statusrelay_sink_dead_lettered_total` (also labelled `reason`): events sent to the dead-letter topic;
/// - `statusrelay_sink_retries_total`: delivery attempts retried (HTTP forwarding).
struct SinkMetrics: Sendable {
    let sink: String
    let writeDuration: Metrics.Timer
    let events: Counter
    let retries: Counter

    init(sink: String) {
        self.sink = sink
        let dimensions = [("sink", sink)]
        writeDuration = Metrics.Timer(label: "statusrelay_sink_write_duration_seconds", dimensions: dimensions)
        events = Counter(label: "statusrelay_sink_events_total", dimensions: dimensions)
        retries = Counter(label: "statusrelay_sink_retries_total", dimensions: dimensions)
        ConsumerMetricCatalog.catalog.prime(instance: ["sink": sink])
    }

    func error(_ code: String) {
        Counter(label: "statusrelay_sink_errors_total", dimensions: [("sink", sink), ("code", code)]).increment()
    }

    func deadLettered(reason: String) {
        Counter(
            label: "statusrelay_sink_dead_lettered_total",
            dimensions: [("sink", sink), ("reason", reason)]
        ).increment()
    }
}
