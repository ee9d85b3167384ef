import Kafka

/// Dead-lettering: what the pipeline cannot handle goes to the dead-letter topic, and the rest goes on.
extension EventPipeline {
    /// A record that is not an event of its key, dead-lettered as read.
    func deadLetter(_ message: KafkaConsumerMessage, reason: String, kind: DeadLetterRecord.Kind) async throws {
        let source = DeadLetterRecord.Source(topic: message.topic, partition: message.partition, offset: message.offset)
        let headers = message.headers
        try await retrying("dead-letter") {
            try await self.deadLetters.publish(
                key: message.key, value: message.value, originalHeaders: headers, kind: kind, reason: reason, source: source
            )
        }
        metrics.deadLettered(kind).increment()
    }

    /// An event `sink` refuses for good: dead-lettered (as the record it was read from), not retried.
    func deadLetter(_ released: ReleasedEvent, refusedBy sink: String, error: SinkError, reason: String) async throws {
        let source = DeadLetterRecord.Source(topic: released.topic, partition: released.partition, offset: released.offset)
        logger.error(
            "sink refuses an event; dead-lettering it",
            metadata: [
                "sink": "\(sink)", "event_id": "\(released.summary.id.prefix(100))", "source": "\(source.topic)/\(source.partition)/\(source.offset)",
                "error": "\(reason)",
            ]
        )
        let extra = [
            KafkaHeader(key: "statusrelay-dlq-sink", string: sink),
            KafkaHeader(key: "statusrelay-event-id", string: released.summary.id),
        ]
        let value = released.eventJSON
        try await retrying("dead-letter") {
            try await self.deadLetters.publish(
                key: Array(released.summary.messageSid.utf8), value: value, kind: .rejected,
                reason: "\(sink): \(reason)", source: source, extra: extra
            )
        }
        metrics.deadLettered(.rejected).increment()
    }
}
