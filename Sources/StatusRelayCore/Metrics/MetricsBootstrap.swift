import Kafka
import Metrics
package import Prometheus
import Synchronization

/// Process-wide Prometheus set-up: one registry, also installed as the swift-metrics backend so
/// libraries that use swift-metrics land in the same `/metrics` output.
package enum MetricsBootstrap {
    private struct State {
        var registry: PrometheusCollectorRegistry
        var process: ProcessMetrics
    }

    private static let state = Mutex<State?>(nil)

    /// Declared for every service: build information and the `process_*` metrics.
    package static let commonCatalog = MetricCatalog([
        .gauge(
            "statusrelay_build_info", "Always 1; the labels name this build: service, version, librdkafka and malloc.",
            labels: [.init("service"), .init("version"), .init("librdkafka"), .init("malloc")]
        )
    ]).merging(ProcessMetrics.catalog)

    /// The process registry. On the first call it bootstraps swift-metrics with it (help texts from
    /// `catalog`), creates every series of `catalog` whose labels are known at 0, and exports
    /// `statusrelay_build_info` and the `process_*` metrics.
    package static func bootstrap(service: String, catalog: MetricCatalog) -> PrometheusCollectorRegistry {
        let (registry, isNew) = Self.state.withLock { stored in
            if let stored { return (stored.registry, false) }
            let created = PrometheusCollectorRegistry()
            stored = State(registry: created, process: ProcessMetrics(registry: created))
            return (created, true)
        }
        if isNew {
            let catalog = commonCatalog.merging(catalog)
            MetricsSystem.bootstrap(CatalogMetricsFactory(registry: registry, catalog: catalog))
            catalog.prime(in: registry)
            catalog.gauge(
                "statusrelay_build_info",
                [
                    ("service", service), ("version", StatusRelayVersion.current), ("librdkafka", KafkaLibrary.versionString),
                    ("malloc", MemoryAllocator.current.rawValue),
                ],
                in: registry
            ).set(1.0)
        }
        return registry
    }

    /// Brings values read at scrape time (`process_*`) up to date.
    static func refresh() {
        state.withLock { $0?.process }?.refresh()
    }
}

/// Rendering of a registry for a `GET /metrics` response.
package enum PrometheusExposition {
    /// Content type of the Prometheus text exposition format.
    package static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    package static func render(_ registry: PrometheusCollectorRegistry) -> [UInt8] {
        MetricsBootstrap.refresh()
        var buffer: [UInt8] = []
        buffer.reserveCapacity(8192)
        registry.emit(into: &buffer)
        return buffer
    }
}
