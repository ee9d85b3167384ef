import Foundation

/// The families of a Prometheus text exposition: name -> type, help, and samples (name with labels -> value).
struct MetricsExposition {
    var types: [String: String] = [:]
    var help: [String: String] = [:]
    var samples: [String: Double] = [:]

    init(_ text: String) {
        for line in text.split(separator: "\n") {
            if line.hasPrefix("# TYPE ") {
                let parts = line.dropFirst("# TYPE ".count).split(separator: " ")
                if parts.count == 2 { types[String(parts[0])] = String(parts[1]) }
            } else if line.hasPrefix("# HELP ") {
                let rest = line.dropFirst("# HELP ".count)
                let name = rest.prefix { $0 != " " }
                help[String(name)] = String(rest.dropFirst(name.count + 1))
            } else if !line.hasPrefix("#"), let space = line.lastIndex(of: " "), let value = Double(line[line.index(after: space)...]) {
                samples[String(line[..<space])] = value
            }
        }
    }

    var families: Set<String> { Set(types.keys) }

    /// The family a sample or a name in PromQL belongs to (`x_bucket` -> `x` for a histogram).
    func family(of name: String) -> String {
        for suffix in ["_bucket", "_count", "_sum"] where name.hasSuffix(suffix) {
            let base = String(name.dropLast(suffix.count))
            if types[base] == "histogram" { return base }
        }
        return name
    }

    /// Samples of `family` (any labels; a histogram's `_bucket`, `_sum` and `_count`).
    func samples(of family: String) -> [String: Double] {
        let names = types[family] == "histogram" ? ["_bucket", "_sum", "_count"].map { family + $0 } : [family]
        return samples.filter { sample in names.contains { sample.key == $0 || sample.key.hasPrefix($0 + "{") } }
    }
}
