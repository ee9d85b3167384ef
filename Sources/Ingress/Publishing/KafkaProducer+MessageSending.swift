public import Kafka

// `send(_:) throws(KafkaError)` satisfies the untyped-throws requirement.
extension KafkaProducer: MessageSending {}
