extension KafkaConsumer {
    typealias MessageWaiter = CheckedContinuation<Result<KafkaConsumerMessage?, KafkaError>, Never>

    /// Buffer between the poll thread and `messages`, plus which partitions are paused and why.
    ///
    /// Backpressure, in two steps:
    /// - At `highWatermark` the poll thread stops taking records (`pollerShouldWait`) until the buffer
    ///   drains to `lowWatermark` or a short wait ends; librdkafka keeps its own bounded pre-fetch.
    ///   Pausing here instead made librdkafka drop its pre-fetched records and fetch them again on every
    ///   resume, which starved a busy reader.
    /// - At `pauseThreshold` (twice `highWatermark`: the reader has stopped) every assigned partition is
    ///   paused; the poll thread keeps polling, so group membership and rebalances go on. Below
    ///   `lowWatermark` they are resumed, except those the caller paused itself. librdkafka resumes a
    ///   paused partition from the last record handed out, so nothing is skipped.
    struct StateMachine: ~Copyable {
        enum Lifecycle {
            case running
            case closing
            case closed
            case failed(KafkaError)
        }

        struct PauseChange {
            var pause: [KafkaTopicPartition] = []
            var resume: [KafkaTopicPartition] = []
            /// The poll thread waits for room and the buffer drained: signal it (after the lock).
            var wakePoller = false
            var isEmpty: Bool { pause.isEmpty && resume.isEmpty }
        }

        enum NextAction {
            case deliver(KafkaConsumerMessage, PauseChange)
            case finish(Result<KafkaConsumerMessage?, KafkaError>)
            case wait
        }

        private(set) var lifecycle = Lifecycle.running
        /// The handle, while it is safe to call into it (cleared before it is destroyed).
        private(set) var handle: OpaquePointer?
        private var buffer: [KafkaConsumerMessage] = []
        private var head = 0
        private var waiter: MessageWaiter?
        private(set) var assigned: Set<KafkaTopicPartition> = []
        private var userPaused: Set<KafkaTopicPartition> = []
        private var backpressurePaused = false
        /// The poll thread is waiting for the buffer to drain.
        private var pollerWaiting = false
        private let highWatermark: Int
        private let lowWatermark: Int
        private let pauseThreshold: Int

        init(maxBufferedMessages: Int) {
            highWatermark = max(1, maxBufferedMessages)
            lowWatermark = max(0, maxBufferedMessages / 2)
            pauseThreshold = 2 * highWatermark
        }

        var bufferedCount: Int { buffer.count - head }

        var isRunning: Bool {
            if case .running = lifecycle { return true }
            return false
        }

        mutating func attach(handle: OpaquePointer) {
            self.handle = handle
        }

        /// Records from the poll thread, in order. Returns a waiting iterator to hand the first one to
        /// directly; the others are buffered.
        mutating func received(_ messages: [KafkaConsumerMessage]) -> (MessageWaiter?, PauseChange) {
            guard isRunning, !messages.isEmpty else { return (nil, PauseChange()) }
            let waiter = self.waiter
            self.waiter = nil
            buffer.append(contentsOf: messages[(waiter == nil ? 0 : 1)...])
            guard !backpressurePaused, bufferedCount >= pauseThreshold else { return (waiter, PauseChange()) }
            backpressurePaused = true
            return (waiter, PauseChange(pause: Array(assigned.subtracting(userPaused))))
        }

        /// The poll thread asks whether to wait for room before taking more records. When it is told
        /// to, the drain below the low watermark returns `wakePoller`.
        mutating func pollerShouldWait() -> Bool {
            guard isRunning, bufferedCount >= highWatermark else {
                pollerWaiting = false
                return false
            }
            pollerWaiting = true
            return true
        }

        /// The iterator asks for the next record; `continuation` is kept when it has to wait.
        mutating func next(_ continuation: MessageWaiter, isCancelled: Bool) -> NextAction {
            switch lifecycle {
            case .closed, .closing:
                return .finish(.success(nil))
            case .failed(let error):
                return .finish(.failure(error))
            case .running:
                break
            }
            if bufferedCount > 0 {
                let message = buffer[head]
                return .deliver(message, advance(to: head + 1))
            }
            if isCancelled { return .finish(.success(nil)) }
            if waiter != nil {
                return .finish(
                    .failure(KafkaError(code: .underlying, message: "KafkaConsumer.messages supports one iterator at a time"))
                )
            }
            waiter = continuation
            return .wait
        }

        /// Moves up to `maxCount` buffered records into `batch` without waiting, so a busy reader takes
        /// what piled up in one lock round trip.
        mutating func take(upTo maxCount: Int, into batch: inout [KafkaConsumerMessage]) -> PauseChange {
            guard isRunning, maxCount > 0, bufferedCount > 0 else { return PauseChange() }
            if head == 0, buffer.count <= maxCount {
                // All of it: hand over the array itself rather than copy each record out of it
                // (`batch` holds at most the record a waiting reader was given).
                var taken: [KafkaConsumerMessage] = []
                swap(&taken, &buffer)
                taken.insert(contentsOf: batch, at: 0)
                batch = taken
                return advance(to: 0)
            }
            let end = min(buffer.count, head + maxCount)
            batch.append(contentsOf: buffer[head..<end])
            return advance(to: end)
        }

        /// Consumes the buffer up to `newHead`, compacting it now and then, and resumes fetching once
        /// it drained below the low watermark.
        private mutating func advance(to newHead: Int) -> PauseChange {
            head = newHead
            if head == buffer.count {
                buffer.removeAll(keepingCapacity: true)
                head = 0
            } else if head >= 1024, head * 2 >= buffer.count {
                buffer.removeFirst(head)
                head = 0
            }
            var change = PauseChange()
            if bufferedCount <= lowWatermark {
                if backpressurePaused {
                    backpressurePaused = false
                    change.resume = Array(assigned.subtracting(userPaused))
                }
                if pollerWaiting {
                    pollerWaiting = false
                    change.wakePoller = true
                }
            }
            return change
        }

        mutating func cancelWaiter() -> MessageWaiter? {
            defer { waiter = nil }
            return waiter
        }

        /// Partitions joined the assignment: pause those that must stay paused, resume the rest
        /// (librdkafka may remember an old pause for a partition it had before).
        mutating func assigned(_ partitions: [KafkaTopicPartition]) -> PauseChange {
            assigned.formUnion(partitions)
            var change = PauseChange()
            for partition in partitions {
                if backpressurePaused || userPaused.contains(partition) {
                    change.pause.append(partition)
                } else {
                    change.resume.append(partition)
                }
            }
            return change
        }

        /// Partitions left the assignment; a caller's pause does not survive revocation.
        mutating func revoked(_ partitions: [KafkaTopicPartition]) {
            assigned.subtract(partitions)
            userPaused.subtract(partitions)
        }

        mutating func pause(_ partitions: [KafkaTopicPartition]) -> PauseChange {
            userPaused.formUnion(partitions)
            return PauseChange(pause: partitions)
        }

        mutating func resume(_ partitions: [KafkaTopicPartition]) -> PauseChange {
            userPaused.subtract(partitions)
            // Under backpressure they stay paused; the drain below the low watermark resumes them.
            return backpressurePaused ? PauseChange() : PauseChange(resume: partitions)
        }

        /// Shutdown began: iteration ends, buffered records are dropped (they can no longer be committed).
        mutating func beginClosing() -> MessageWaiter? {
            guard isRunning else { return nil }
            lifecycle = .closing
            buffer.removeAll()
            head = 0
            defer { waiter = nil }
            return waiter
        }

        /// An unrecoverable error: the iterator gets it, then the consumer closes.
        mutating func fail(_ error: KafkaError) -> MessageWaiter? {
            guard isRunning else { return nil }
            lifecycle = .failed(error)
            buffer.removeAll()
            head = 0
            defer { waiter = nil }
            return waiter
        }

        /// The handle is about to be destroyed.
        mutating func closed() -> MessageWaiter? {
            if case .failed = lifecycle {} else { lifecycle = .closed }
            handle = nil
            buffer.removeAll()
            head = 0
            assigned = []
            defer { waiter = nil }
            return waiter
        }
    }
}
