import Kafka
import Logging

/// Sends what the consumer cannot handle to the dead-letter topic, in a form that fits
/// (``DeadLetterRecord``).
///
/// A record the topic refuses for good (``KafkaError/isPermanent``, e.g. larger than the broker's
/// limit) is sent again with a quarter of the budget, down to ``DeadLetterRecord/minimumBytes``; one
/// refused even then is logged and counted as dropped, so it never stops a partition. Any other
/// failure is thrown for the caller to retry.
struct DeadLetterPublisher: Sendable {
    let producer: KafkaProducer?
    let topic: String?
    let maxBytes: Int
    let metrics: ConsumerMetrics
    let logger: Logger

    func publish(
        key: [UInt8]?, value: [UInt8], originalHeaders: [KafkaHeader] = [], kind: DeadLetterRecord.Kind, reason: String,
        source: DeadLetterRecord.Source, extra: [KafkaHeader] = []
    ) async throws(KafkaError) {
        guard let producer, let topic, !topic.isEmpty else {
            metrics.deadLetterDropped.increment()
            logger.error(
                "dead-lettering is disabled; record skipped",
                metadata: ["source": "\(source.topic)/\(source.partition)/\(source.offset)", "reason": "\(reason)"]
            )
            return
        }
        var budget = maxBytes
        while true {
            let record = DeadLetterRecord.make(
                topic: topic, key: key, value: value, originalHeaders: originalHeaders, kind: kind, reason: reason,
                source: source, extra: extra, maxBytes: budget
            )
            let truncated = record.value.count < value.count
            do throws(KafkaError) {
                _ = try await producer.send(record)
                if truncated { metrics.deadLetterTruncated.increment() }
                return
            } catch where error.isPermanent {
                guard budget > DeadLetterRecord.minimumBytes else {
                    metrics.deadLetterDropped.increment()
                    logger.error(
                        "the dead-letter topic refuses the record even truncated; skipped",
                        metadata: [
                            "source": "\(source.topic)/\(source.partition)/\(source.offset)", "reason": "\(reason)",
                            "error": "\(error)",
                        ]
                    )
                    return
                }
                logger.warning(
                    "the dead-letter topic refused the record; sending it smaller",
                    metadata: ["bytes": "\(budget)", "error": "\(error)"]
                )
                budget = max(DeadLetterRecord.minimumBytes, budget / 4)
            }
        }
    }
}
