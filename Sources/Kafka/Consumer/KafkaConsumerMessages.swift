/// The records of a ``KafkaConsumer``, in partition order. Iterate from one task at a time.
///
/// Ends (returns nil) when the consumer closes or the iterating task is cancelled; throws ``KafkaError``
/// when the consumer hit a fatal error.
public struct KafkaConsumerMessages: AsyncSequence, Sendable {
    public typealias Element = KafkaConsumerMessage
    public typealias Failure = KafkaError

    let shared: KafkaConsumer.Shared

    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(shared: shared)
    }

    public struct AsyncIterator: AsyncIteratorProtocol {
        public typealias Element = KafkaConsumerMessage
        public typealias Failure = KafkaError

        let shared: KafkaConsumer.Shared

        public mutating func next() async throws(KafkaError) -> KafkaConsumerMessage? {
            try await shared.next()
        }

        /// The next records in partition order: waits for at least one, then takes up to `maxCount`
        /// that are already buffered. Nil at the end, like `next()`. Reading in batches spares a
        /// suspension per record when the reader is the bottleneck.
        public mutating func nextBatch(maxCount: Int) async throws(KafkaError) -> [KafkaConsumerMessage]? {
            try await shared.nextBatch(maxCount: maxCount)
        }

        public mutating func next(isolation actor: isolated (any Actor)?) async throws(KafkaError) -> KafkaConsumerMessage? {
            try await shared.next()
        }
    }
}
