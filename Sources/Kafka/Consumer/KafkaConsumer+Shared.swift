import Foundation
import Logging
import Synchronization

extension KafkaConsumer {
    /// State shared by the consumer, its poll thread, its rebalance callback and its message iterators.
    /// It does not own the client (the client's callback context refers to it).
    final class Shared: Sendable {
        let machine: Mutex<StateMachine>
        let events: AsyncStream<KafkaConsumerEvent>.Continuation
        let logger: Logger
        /// Where the poll thread waits for room in the buffer. Lock order: `room`, then `machine`;
        /// it is signalled only after `machine` is unlocked.
        private let room = NSCondition()

        init(maxBufferedMessages: Int, events: AsyncStream<KafkaConsumerEvent>.Continuation, logger: Logger) {
            self.machine = Mutex(StateMachine(maxBufferedMessages: maxBufferedMessages))
            self.events = events
            self.logger = logger
        }

        func next() async throws(KafkaError) -> KafkaConsumerMessage? {
            let result = await withTaskCancellationHandler {
                await withCheckedContinuation { (continuation: MessageWaiter) in
                    let action = machine.withLock { machine -> StateMachine.NextAction in
                        let action = machine.next(continuation, isCancelled: Task.isCancelled)
                        if case .deliver(_, let change) = action { apply(change, machine: &machine) }
                        return action
                    }
                    switch action {
                    case .deliver(let message, let change):
                        if change.wakePoller { wakePoller() }
                        continuation.resume(returning: .success(message))
                    case .finish(let result): continuation.resume(returning: result)
                    case .wait: break
                    }
                }
            } onCancel: {
                machine.withLock { $0.cancelWaiter() }?.resume(returning: .success(nil))
            }
            return try result.get()
        }

        /// The next records, at least one (waits for it) and at most `maxCount`; nil at the end.
        func nextBatch(maxCount: Int) async throws(KafkaError) -> [KafkaConsumerMessage]? {
            var batch: [KafkaConsumerMessage] = []
            take(upTo: maxCount, into: &batch)
            if !batch.isEmpty { return batch }
            guard let first = try await next() else { return nil }
            batch.append(first)
            take(upTo: maxCount - 1, into: &batch)
            return batch
        }

        private func take(upTo maxCount: Int, into batch: inout [KafkaConsumerMessage]) {
            guard maxCount > 0 else { return }
            let change = machine.withLock { machine in
                let change = machine.take(upTo: maxCount, into: &batch)
                apply(change, machine: &machine)
                return change
            }
            if change.wakePoller { wakePoller() }
        }

        /// Records from the poll thread, in order (at least one).
        func received(_ messages: [KafkaConsumerMessage]) {
            let waiter = machine.withLock { machine in
                let (waiter, change) = machine.received(messages)
                apply(change, machine: &machine)
                return waiter
            }
            waiter?.resume(returning: .success(messages[0]))
        }

        func assigned(_ partitions: [KafkaTopicPartition]) {
            machine.withLock { machine in
                let change = machine.assigned(partitions)
                apply(change, machine: &machine)
            }
        }

        func revoked(_ partitions: [KafkaTopicPartition]) {
            machine.withLock { $0.revoked(partitions) }
        }

        func pause(_ partitions: [KafkaTopicPartition]) throws(KafkaError) {
            try machine.withLock { machine throws(KafkaError) in
                guard machine.isRunning else { throw KafkaError.closed("consumer") }
                let change = machine.pause(partitions)
                apply(change, machine: &machine)
            }
        }

        func resume(_ partitions: [KafkaTopicPartition]) throws(KafkaError) {
            try machine.withLock { machine throws(KafkaError) in
                guard machine.isRunning else { throw KafkaError.closed("consumer") }
                let change = machine.resume(partitions)
                apply(change, machine: &machine)
            }
        }

        /// Under the lock, because the handle is cleared (under it) before it is destroyed.
        func fetchedHighWatermarks(_ partitions: [KafkaTopicPartition]) -> [KafkaTopicPartition: Int64] {
            machine.withLock { machine in
                guard let handle = machine.handle else { return [:] }
                var result: [KafkaTopicPartition: Int64] = [:]
                for partition in partitions {
                    if let high = RDKafkaClient.cachedHighWatermark(
                        handle: handle, topic: partition.topic, partition: partition.partition
                    ) {
                        result[partition] = high
                    }
                }
                return result
            }
        }

        /// Poll thread: while the buffer is full, waits (at most `timeout`) for the reader to drain it.
        /// Returns so the caller polls anyway: rebalances and group membership need it.
        func waitForRoom(timeout: Duration) {
            room.lock()
            defer { room.unlock() }
            guard machine.withLock({ $0.pollerShouldWait() }) else { return }
            let (seconds, attoseconds) = timeout.components
            _ = room.wait(until: Date(timeIntervalSinceNow: Double(seconds) + Double(attoseconds) / 1e18))
        }

        private func wakePoller() {
            room.lock()
            room.signal()
            room.unlock()
        }

        func beginClosing() {
            machine.withLock { $0.beginClosing() }?.resume(returning: .success(nil))
        }

        func fail(_ error: KafkaError) {
            machine.withLock { $0.fail(error) }?.resume(returning: .failure(error))
        }

        func closed() {
            machine.withLock { $0.closed() }?.resume(returning: .success(nil))
            events.finish()
        }

        var failure: KafkaError? {
            machine.withLock { machine in
                if case .failed(let error) = machine.lifecycle { return error }
                return nil
            }
        }

        var isRunning: Bool { machine.withLock { $0.isRunning } }

        /// Applied while holding the lock: pause and resume calls must reach librdkafka in the order the
        /// state machine decided them. Both only enqueue an operation, so they do not block.
        private func apply(_ change: StateMachine.PauseChange, machine: inout StateMachine) {
            guard !change.isEmpty, let handle = machine.handle else { return }
            if !change.pause.isEmpty { RDKafkaClient.pause(handle: handle, change.pause) }
            if !change.resume.isEmpty { RDKafkaClient.resume(handle: handle, change.resume) }
        }
    }
}
