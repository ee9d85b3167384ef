public import Kafka

/// What the ingress needs from a Kafka producer. `KafkaProducer` conforms; the seam exists so
/// spool draining can be exercised with a sender that fails on demand.
public protocol MessageSending: Sendable {
    /// Resumes when the message's delivery report arrives (acks=all).
    func send(_ message: KafkaProducerMessage) async throws -> KafkaDeliveryReport
}
