public import Kafka

extension SinkFactory {
    /// Settings for every kind of sink; each sink reads its own part.
    public struct Configuration: Sendable {
        public var sqlite = SQLiteSink.Configuration()
        public var postgres = PostgresSink.Configuration()
        public var http = HTTPForwardSink.Configuration()
        public var kafka = KafkaSink.Configuration()
        public var jsonl = JSONLinesSink.Configuration()
        /// The producer `kafka:` sinks publish with and HTTP forwarding dead-letters with. Required for
        /// those sinks; the caller runs it (it is a `Service`) for as long as the sinks are used.
        public var kafkaProducer: KafkaProducer?
        /// When set, `kafka:` sinks create their topic at start, and HTTP forwarding creates
        /// `<topic>.dlq` before its first dead letter (existing topics are left unchanged).
        /// Without it the topics must exist (or the cluster auto-creates them).
        public var kafkaAdmin: KafkaAdminClient?

        public init(kafkaProducer: KafkaProducer? = nil, kafkaAdmin: KafkaAdminClient? = nil) {
            self.kafkaProducer = kafkaProducer
            self.kafkaAdmin = kafkaAdmin
        }
    }
}
