package import Kafka

extension SinkFactory {
    /// Settings for every kind of sink; each sink reads its own part.
    package struct Configuration: Sendable {
        package var sqlite = SQLiteSink.Configuration()
        package var postgres = PostgresSink.Configuration()
        package var http = HTTPForwardSink.Configuration()
        package var kafka = KafkaSink.Configuration()
        package var jsonl = JSONLinesSink.Configuration()
        /// The producer `kafka:` sinks publish with and HTTP forwarding dead-letters with. Required for
        /// those sinks; the caller runs it (it is a `Service`) for as long as the sinks are used.
        package var kafkaProducer: KafkaProducer?
        /// When set, `kafka:` sinks create their topic at start, and HTTP forwarding creates
        /// `<topic>.dlq` before its first dead letter (existing topics are left unchanged).
        /// Without it the topics must exist (or the cluster auto-creates them).
        package var kafkaAdmin: KafkaAdminClient?

        package init(kafkaProducer: KafkaProducer? = nil, kafkaAdmin: KafkaAdminClient? = nil) {
            self.kafkaProducer = kafkaProducer
            self.kafkaAdmin = kafkaAdmin
        }
    }
}
