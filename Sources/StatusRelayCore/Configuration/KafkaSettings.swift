package import Kafka

/// The Kafka settings every component shares (ingress, consumer, `statusrelay` subcommands): one flag,
/// env var and default each, so a default changes in one place.
package enum KafkaSettings {
    /// `127.0.0.1:9092`.
    package static let defaultBrokers = ["127.0.0.1:9092"]
    /// `twilio.message-status`: the raw topic the ingress writes and the consumer reads.
    package static let defaultTopic = "twilio.message-status"

    /// `lz4`: what the ingress and `statusrelay reconcile` produce with (see `IngressConfiguration.kafkaCompression`).
    package static let defaultCompression: KafkaProducerConfiguration.Compression = .lz4

    package static let brokers = Setting<[String]>.list(
        "brokers", env: "STATUSRELAY_BROKERS", default: defaultBrokers, "Kafka bootstrap servers, comma-separated.")

    /// `--topic`, `STATUSRELAY_TOPIC`, default ``defaultTopic``; each component words its own summary.
    package static func topic(_ summary: String) -> Setting<String> {
        .string("topic", env: "STATUSRELAY_TOPIC", default: defaultTopic, summary)
    }

    /// `--kafka-compression`, `STATUSRELAY_KAFKA_COMPRESSION`, default ``defaultCompression``; `summary`
    /// says what is compressed.
    package static func compression(_ summary: String) -> Setting<KafkaProducerConfiguration.Compression> {
        .choice("kafka-compression", env: "STATUSRELAY_KAFKA_COMPRESSION", default: defaultCompression, "\(summary): none, gzip, snappy, lz4 or zstd.")
    }
}
