package import Kafka

/// What the ingress needs from a Kafka producer. `KafkaProducer` conforms; the seam exists so
/// spool draining can be exercised with a sender that fails on demand.
package protocol MessageSending: Sendable {
    /// Resumes when the message's delivery report arrives (acks=all).
    func send(_ message: KafkaProducerMessage) async throws -> KafkaDeliveryReport

    /// Calls `completion` once with the outcome; must not block. The request path uses it to race the ack
    /// against its deadline without a task per request.
    func send(_ message: KafkaProducerMessage, completion: @escaping @Sendable (Result<KafkaDeliveryReport, any Error>) -> Void)
}

extension MessageSending {
    package func send(_ message: KafkaProducerMessage, completion: @escaping @Sendable (Result<KafkaDeliveryReport, any Error>) -> Void) {
        Task {
            do {
                completion(.success(try await send(message)))
            } catch {
                completion(.failure(error))
            }
        }
    }
}
