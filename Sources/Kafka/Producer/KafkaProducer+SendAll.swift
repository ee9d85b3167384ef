import Synchronization

extension KafkaProducer {
    /// Produces every message and returns once each was acknowledged, or throws the first failure
    /// once all of them settled. The records are produced at once, in order, and awaited together:
    /// one continuation for the batch instead of a task per record.
    ///
    /// Each record gets ``send(_:completion:)``'s guarantees (waits while the queue is full, produced
    /// again on a replaced handle). Records that share a partition may therefore be stored out of
    /// order after a handle replacement; use it where order within the batch does not matter.
    public func sendAll(_ messages: [KafkaProducerMessage]) async throws(KafkaError) {
        guard !messages.isEmpty else { return }
        let failure: KafkaError? = await withCheckedContinuation { continuation in
            let batch = PendingBatch(count: messages.count, continuation: continuation)
            for message in messages {
                send(message) { result in batch.settle(result) }
            }
        }
        if let failure { throw failure }
    }

    /// Counts a batch's outstanding reports; the last one resumes the caller (outside the lock).
    private final class PendingBatch: Sendable {
        private struct State {
            var remaining: Int
            var firstFailure: KafkaError?
            var continuation: CheckedContinuation<KafkaError?, Never>?
        }

        private let state: Mutex<State>

        init(count: Int, continuation: CheckedContinuation<KafkaError?, Never>) {
            state = Mutex(State(remaining: count, continuation: continuation))
        }

        func settle(_ result: Result<KafkaDeliveryReport, KafkaError>) {
            let finished: (CheckedContinuation<KafkaError?, Never>, KafkaError?)? = state.withLock { state in
                if case .failure(let error) = result, state.firstFailure == nil { state.firstFailure = error }
                state.remaining -= 1
                guard state.remaining == 0, let continuation = state.continuation else { return nil }
                state.continuation = nil
                return (continuation, state.firstFailure)
            }
            if let (continuation, failure) = finished { continuation.resume(returning: failure) }
        }
    }
}
