import CoreMetrics
import Prometheus

/// The swift-metrics backend: like swift-prometheus's `PrometheusMetricsFactory` (same registry,
/// same default buckets), but every family gets its `# HELP` text from the service's catalog.
/// (`PrometheusMetricsFactory` registers every family with an empty help text, and the registry
/// refuses a second help text for the same name.)
struct CatalogMetricsFactory: MetricsFactory {
    let registry: PrometheusCollectorRegistry
    let catalog: MetricCatalog
    private let defaults: PrometheusMetricsFactory

    init(registry: PrometheusCollectorRegistry, catalog: MetricCatalog) {
        self.registry = registry
        self.catalog = catalog
        defaults = PrometheusMetricsFactory(registry: registry)
    }

    func makeCounter(label: String, dimensions: [(String, String)]) -> any CounterHandler {
        catalog.counter(label, dimensions, in: registry)
    }

    func makeFloatingPointCounter(label: String, dimensions: [(String, String)]) -> any FloatingPointCounterHandler {
        catalog.counter(label, dimensions, in: registry)
    }

    func makeRecorder(label: String, dimensions: [(String, String)], aggregate: Bool) -> any RecorderHandler {
        guard aggregate else { return catalog.gauge(label, dimensions, in: registry) }
        return registry.makeValueHistogram(
            descriptor: catalog.descriptor(label), labels: dimensions, buckets: defaults.defaultValueHistogramBuckets
        )
    }

    func makeMeter(label: String, dimensions: [(String, String)]) -> any MeterHandler {
        catalog.gauge(label, dimensions, in: registry)
    }

    func makeTimer(label: String, dimensions: [(String, String)]) -> any TimerHandler {
        catalog.durationHistogram(label, dimensions, buckets: defaults.defaultDurationHistogramBuckets, in: registry)
    }

    func destroyCounter(_ handler: any CounterHandler) { defaults.destroyCounter(handler) }
    func destroyFloatingPointCounter(_ handler: any FloatingPointCounterHandler) { defaults.destroyFloatingPointCounter(handler) }
    func destroyRecorder(_ handler: any RecorderHandler) { defaults.destroyRecorder(handler) }
    func destroyMeter(_ handler: any MeterHandler) { defaults.destroyMeter(handler) }
    func destroyTimer(_ handler: any TimerHandler) { defaults.destroyTimer(handler) }
}
