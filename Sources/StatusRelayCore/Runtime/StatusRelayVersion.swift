import Kafka

/// Version strings for `--version` and `statusrelay version`.
package enum StatusRelayVersion {
    /// This build's version.
    package static let current = "0.1.0"

    /// `<tool> 0.1.0 (librdkafka 2.8.0, malloc jemalloc)`
    package static func line(tool: String) -> String {
        "\(tool) \(current) (librdkafka \(KafkaLibrary.versionString), malloc \(MemoryAllocator.current))"
    }
}
