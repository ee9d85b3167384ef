/// One metric family a service exports: its name, `# HELP` text, type and labels.
///
/// Declared once per service in its catalog (``MetricCatalog``); the `/metrics` registry takes the
/// help text from there, whichever API (swift-metrics or the registry) creates the series.
package struct MetricDeclaration: Sendable {
    package enum Kind: Sendable { case counter, gauge, histogram }

    /// One label, in the order the code passes it. `values` lists every value known in advance;
    /// nil means the value is known only when a component starts (a sink's name, a partition).
    package struct Label: Sendable {
        package var name: String
        package var values: [String]?

        package init(_ name: String, values: [String]? = nil) {
            self.name = name
            self.values = values
        }
    }

    package var name: String
    package var kind: Kind
    package var help: String
    package var labels: [Label]

    package init(_ name: String, _ kind: Kind, _ help: String, labels: [Label] = []) {
        self.name = name
        self.kind = kind
        self.help = help
        self.labels = labels
    }

    package static func counter(_ name: String, _ help: String, labels: [Label] = []) -> Self {
        Self(name, .counter, help, labels: labels)
    }

    package static func gauge(_ name: String, _ help: String, labels: [Label] = []) -> Self {
        Self(name, .gauge, help, labels: labels)
    }

    package static func histogram(_ name: String, _ help: String, labels: [Label] = []) -> Self {
        Self(name, .histogram, help, labels: labels)
    }

    /// Label sets of the series to create at 0: every combination of the known values, after the
    /// labels given in `instance` (empty when a label with unknown values is not in `instance`).
    func zeroSeries(instance: [String: String]) -> [[(String, String)]] {
        var sets: [[(String, String)]] = [[]]
        for label in labels {
            let values: [String]
            if let value = instance[label.name] {
                values = [value]
            } else if let known = label.values {
                values = known
            } else {
                return []
            }
            sets = sets.flatMap { set in values.map { set + [(label.name, $0)] } }
        }
        return sets
    }
}
