import Metrics
public import Prometheus
import Synchronization

/// Process-wide Prometheus set-up: one registry, also installed as the swift-metrics backend so
/// libraries that use swift-metrics land in the same `/metrics` output.
public enum MetricsBootstrap {
    private static let registry = Mutex<PrometheusCollectorRegistry?>(nil)

    /// The process registry; bootstraps swift-metrics with it on first call.
    public static func bootstrap() -> PrometheusCollectorRegistry {
        let (registry, isNew) = Self.registry.withLock { stored in
            if let stored { return (stored, false) }
            let created = PrometheusCollectorRegistry()
            stored = created
            return (created, true)
        }
        if isNew {
            MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        }
        return registry
    }
}

/// Rendering of a registry for a `GET /metrics` response.
public enum PrometheusExposition {
    /// Content type of the Prometheus text exposition format.
    public static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    public static func render(_ registry: PrometheusCollectorRegistry) -> [UInt8] {
        var buffer: [UInt8] = []
        buffer.reserveCapacity(8192)
        registry.emit(into: &buffer)
        return buffer
    }
}
