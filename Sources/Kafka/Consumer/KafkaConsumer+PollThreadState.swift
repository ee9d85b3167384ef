extension KafkaConsumer {
    /// What the poll thread keeps between polls: the records it took and not yet handed to the
    /// buffer, and its topic-name cache.
    ///
    /// `@unchecked Sendable` because only the poll thread touches it: `pollOnce` and the rebalance
    /// callback, which librdkafka runs inside `rd_kafka_consumer_poll` (or the close) on that thread.
    final class PollThreadState: @unchecked Sendable {
        var polled: [KafkaConsumerMessage] = []
        var topicNames = RDKafkaClient.TopicNames()

        init() {
            polled.reserveCapacity(KafkaConsumer.pollBatchSize)
        }

        /// Moves the records taken so far into the shared buffer, in order.
        func handOver(to shared: Shared) {
            guard !polled.isEmpty else { return }
            shared.received(polled)
            polled.removeAll(keepingCapacity: true)
        }
    }
}
