import CoreMetrics
package import Prometheus

/// Every metric family one service exports, declared in one place with its help text.
///
/// At start, ``MetricsBootstrap`` creates every counter and gauge series whose label values are
/// known at 0, so `rate()`/`increase()` see the first event; a component that learns a label value
/// later (a sink its name) calls ``prime(_:instance:in:)``. A family missing here is exported
/// without `# HELP`, which the metrics tests reject.
package struct MetricCatalog: Sendable {
    package let declarations: [MetricDeclaration]
    private let byName: [String: MetricDeclaration]

    package init(_ declarations: [MetricDeclaration]) {
        self.declarations = declarations
        var byName: [String: MetricDeclaration] = [:]
        for declaration in declarations { byName[declaration.name] = declaration }
        self.byName = byName
    }

    /// Declarations of both catalogs; `other` wins on a name declared twice.
    package func merging(_ other: MetricCatalog) -> MetricCatalog {
        let names = Set(other.declarations.map(\.name))
        return MetricCatalog(declarations.filter { !names.contains($0.name) } + other.declarations)
    }

    /// The `# HELP` text of `name` ("" when undeclared).
    package func help(_ name: String) -> String { byName[name]?.help ?? "" }

    package func declaration(_ name: String) -> MetricDeclaration? { byName[name] }

    /// `name` with its help text, for the registry's `make…(descriptor:)`.
    package func descriptor(_ name: String) -> MetricNameDescriptor {
        MetricNameDescriptor(metricName: name, unitName: "", helpText: help(name))
    }

    package func counter(
        _ name: String, _ labels: [(String, String)] = [], in registry: PrometheusCollectorRegistry
    ) -> Prometheus.Counter {
        registry.makeCounter(descriptor: descriptor(name), labels: labels)
    }

    package func gauge(_ name: String, _ labels: [(String, String)] = [], in registry: PrometheusCollectorRegistry) -> Prometheus.Gauge {
        registry.makeGauge(descriptor: descriptor(name), labels: labels)
    }

    package func durationHistogram(
        _ name: String, _ labels: [(String, String)] = [], buckets: [Duration], in registry: PrometheusCollectorRegistry
    ) -> DurationHistogram {
        registry.makeDurationHistogram(descriptor: descriptor(name), labels: labels, buckets: buckets)
    }

    /// ``prime(instance:in:)`` through swift-metrics (its backend is the process registry once
    /// ``MetricsBootstrap`` ran; without it, a no-op), for components that only use swift-metrics.
    package func prime(instance: [String: String]) {
        for declaration in declarations where instance.keys.allSatisfy(Set(declaration.labels.map(\.name)).contains) {
            for labels in declaration.zeroSeries(instance: instance) {
                switch declaration.kind {
                case .counter: _ = CoreMetrics.Counter(label: declaration.name, dimensions: labels)
                case .gauge: _ = CoreMetrics.Gauge(label: declaration.name, dimensions: labels)
                case .histogram: break
                }
            }
        }
    }

    /// Creates, at 0, the counter and gauge series of every family that has a label named in
    /// `instance` (or, with an empty `instance`, of every family whose label values are all known).
    package func prime(instance: [String: String] = [:], in registry: PrometheusCollectorRegistry) {
        for declaration in declarations {
            let names = Set(declaration.labels.map(\.name))
            guard instance.isEmpty ? declaration.labels.allSatisfy({ $0.values != nil }) : instance.keys.allSatisfy(names.contains)
            else { continue }
            prime(declaration.name, instance: instance, in: registry)
        }
    }

    /// Creates, at 0, the series of `name` for `instance`'s label values and every known value of the others.
    package func prime(_ name: String, instance: [String: String] = [:], in registry: PrometheusCollectorRegistry) {
        guard let declaration = byName[name] else { return }
        for labels in declaration.zeroSeries(instance: instance) {
            switch declaration.kind {
            case .counter: _ = counter(name, labels, in: registry)
            case .gauge: _ = gauge(name, labels, in: registry)
            case .histogram: break  // created with their buckets by the code that observes them
            }
        }
    }
}
