package import Kafka
package import StatusEvents

/// Publishes reconciliation events exactly as the ingress publishes callbacks: the event JSON as
/// the value, the MessageSid as the key, the CloudEvents headers, through an idempotent
/// acks=all `KafkaProducer`.
package struct KafkaReconcilePublisher: ReconcileEventPublishing {
    package let producer: KafkaProducer
    package let topic: String

    package init(producer: KafkaProducer, topic: String) {
        self.producer = producer
        self.topic = topic
    }

    package func publish(_ events: [StatusEvent]) async throws {
        let messages = events.map { event in
            KafkaProducerMessage(
                topic: topic,
                key: Array(event.messageSid.utf8),
                value: StatusEventCodec.encode(event),
                headers: CloudEventHeaders.headers(for: event).map { KafkaHeader(key: $0.key, value: Array($0.value.utf8)) }
            )
        }
        try await producer.sendAll(messages)
    }
}
