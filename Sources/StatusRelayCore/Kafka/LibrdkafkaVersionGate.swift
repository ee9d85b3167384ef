package import Kafka
package import Logging

/// The start-up check every executable runs: refuse to start on librdkafka older than 2.3.
package enum LibrdkafkaVersionGate {
    package static let minimumMajor = 2
    package static let minimumMinor = 3

    /// Logs the loaded librdkafka version and throws a clear error when it is too old.
    package static func check(logger: Logger) throws(KafkaError) {
        try KafkaLibrary.requireMinimumVersion(major: minimumMajor, minor: minimumMinor)
        logger.info(
            "librdkafka loaded",
            metadata: ["librdkafka": "\(KafkaLibrary.versionString)", "malloc": "\(MemoryAllocator.current)"]
        )
    }
}
