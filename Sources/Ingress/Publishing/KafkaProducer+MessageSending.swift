package import Kafka

// `send(_:) throws(KafkaError)` satisfies the untyped-throws requirement; the completion form maps the
// typed error.
extension KafkaProducer: MessageSending {
    package func send(_ message: KafkaProducerMessage, completion: @escaping @Sendable (Result<KafkaDeliveryReport, any Error>) -> Void) {
        send(message) { (result: Result<KafkaDeliveryReport, KafkaError>) in
            completion(result.mapError { $0 })
        }
    }
}
