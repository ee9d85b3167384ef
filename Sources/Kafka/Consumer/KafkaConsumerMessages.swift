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

        public mutating func next(isolation actor: isolated (any Actor)?) async throws(KafkaError) -> KafkaConsumerMessage? {
            try await shared.next()
        }
    }
}
