import Kafka

extension SpoolRecord {
    var kafkaMessage: KafkaProducerMessage {
        KafkaProducerMessage(
            topic: topic,
            key: key,
            value: value,
            headers: headers.map { KafkaHeader(key: $0.key, value: $0.value) }
        )
    }
}
