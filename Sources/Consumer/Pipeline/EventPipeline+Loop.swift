import Kafka

/// The loop: records and events in order → reorderer → jobs for the writer.
extension EventPipeline {
    struct LoopState {
        var reorderer: Reorderer
        var pending: [ReleasedEvent] = []
        var lastCheckpoint: ContinuousClock.Instant
        var summary = PipelineSummary()
    }

    func process(jobs: BoundedAsyncQueue<WriteJob>) async throws -> PipelineSummary {
        var state = LoopState(
            reorderer: Reorderer(topic: configuration.topic, configuration: configuration.reorder),
            lastCheckpoint: clock.now
        )
        while let input = await inputs.next() {
            if shuttingDown.load(ordering: .relaxed) { break }
            switch input {
            case .records(let records):
                try await handle(records, in: &state, jobs: jobs)
            case .event(.assigned(let partitions)):
                try await assign(partitions.filter { !state.reorderer.owns($0) }, in: &state, jobs: jobs)
            case .event(.revoked(let partitions)):
                try await revoke(partitions, in: &state, jobs: jobs)
            case .event(.tick):
                let owned = Array(state.reorderer.partitions.keys)
                state.reorderer.advance(now: source.now, fetchedEnds: source.fetchedEnds(of: owned), into: &state.pending)
                let handOver = handOverPolicy.atTick(
                    pending: state.pending.count, waitingBatches: jobs.count,
                    checkpointDue: clock.now - state.lastCheckpoint >= configuration.commitInterval
                )
                if handOver { try await flush(&state, jobs: jobs) }
                publishGauges(state)
            case .event(.endOfInput):
                // The end of a bounded range: nothing later can reorder what is buffered.
                state.reorderer.advance(now: .max, into: &state.pending)
                try await flush(&state, jobs: jobs, checkpoint: true)
            case .event(.readerFailed(let error)):
                throw ConsumerServiceError(code: .readerFailed, message: "\(error)", underlying: error)
            }
        }
        // Graceful shutdown: what was released goes out and is committed; buffered events stay
        // uncommitted and are read again by the next owner.
        try await flush(&state, jobs: jobs, checkpoint: true)
        try await drainWriter(jobs)
        logger.info(
            "consumer pipeline drained",
            metadata: ["buffered_uncommitted": "\(state.reorderer.bufferedCount)"]
        )
        state.summary.statistics = state.reorderer.statistics
        return state.summary
    }

    private func handle(_ records: [DecodedRecord], in state: inout LoopState, jobs: BoundedAsyncQueue<WriteJob>) async throws {
        let assigned = source.assignedPartitions
        var highest: [Int32: Int64] = [:]
        for record in records where assigned.contains(record.partition) {
            highest[record.partition] = max(highest[record.partition] ?? 0, record.offset.saturatingAdd(1))
        }
        // Before the records are handled: a record that cannot be (dead-letter topic down) must show
        // as a partition making no progress.
        progress.read(highest)
        let now = source.now
        let wallClock = PlausibilityClock.now()
        for record in records {
            guard assigned.contains(record.partition) else {
                // Read before its partition was revoked: its next owner reads it again from the committed offset.
                continue
            }
            if !state.reorderer.owns(record.partition) {
                // Records can arrive before the assignment notification: restore first.
                try await assign([record.partition], in: &state, jobs: jobs)
            }
            switch record.content {
            case .event(let box):
                state.reorderer.add(
                    box, from: record.partition, offset: record.offset, now: now,
                    wallClock: PlausibilityClock.reference(wallClock: wallClock, recordTimestamp: record.timestampMs),
                    into: &state.pending
                )
            case .undecodable(let message, let reason, let kind):
                metrics.decodeErrors.increment()
                logger.warning(
                    kind == .keyMismatch ? "dead-lettering a record whose key is not its messageSid" : "skipping undecodable record",
                    metadata: [
                        "partition": "\(message.partition)", "offset": "\(message.offset)", "error": "\(reason)",
                    ]
                )
                try await deadLetter(message, reason: reason, kind: kind)
                state.summary.deadLettered += 1
                state.reorderer.markDone(partition: message.partition, offset: message.offset)
            }
            if handOverPolicy.afterRelease(pending: state.pending.count) {
                try await flush(&state, jobs: jobs)
            }
        }
    }

    private func assign(_ partitions: [Int32], in state: inout LoopState, jobs: BoundedAsyncQueue<WriteJob>) async throws {
        guard !partitions.isEmpty else { return }
        // The writer must not commit a stale position for these partitions.
        try await drainWriter(jobs, forgetting: Set(partitions))
        let states = try await retrying("state restore") { try await self.checkpointer.restore(partitions: partitions) }
        for partition in partitions {
            state.reorderer.assign(partition, states: states[partition] ?? [:])
        }
        let owned = state.reorderer.partitions.keys.sorted()
        self.owned.withLock { $0 = owned }
        progress.owned(owned)
        logger.info("partitions assigned", metadata: ["partitions": "\(partitions.sorted())"])
    }

    private func revoke(_ partitions: Set<Int32>, in state: inout LoopState, jobs: BoundedAsyncQueue<WriteJob>) async throws {
        guard !partitions.isEmpty else { return }
        // Let the jobs already handed over finish (their commits are for work the sinks accepted).
        try await drainWriter(jobs, forgetting: partitions)
        var dropped = 0
        for partition in partitions {
            dropped += state.reorderer.revoke(partition)
        }
        let before = state.pending.count
        state.pending.removeAll { partitions.contains($0.partition) }
        inputs.transformAll { input in
            guard case .records(let records) = input else { return input }
            let kept = records.filter { !partitions.contains($0.partition) }
            return kept.isEmpty ? nil : .records(kept)
        }
        progress.forget(partitions)
        let owned = state.reorderer.partitions.keys.sorted()
        self.owned.withLock { $0 = owned }
        progress.owned(owned)
        logger.info(
            "partitions revoked",
            metadata: [
                "partitions": "\(partitions.sorted())", "dropped_buffered": "\(dropped)",
                "dropped_released": "\(before - state.pending.count)",
            ]
        )
    }

    /// Waits until the writer finished every job handed over so far.
    private func drainWriter(_ jobs: BoundedAsyncQueue<WriteJob>, forgetting partitions: Set<Int32> = []) async throws {
        let (done, completion) = AsyncStream<Void>.makeStream()
        let job = WriteJob(batch: [], checkpoint: nil, completion: completion, forgetCommitted: partitions)
        guard await jobs.send(job) else {
            throw ConsumerServiceError(code: .writerStopped, message: "the sink writer stopped")
        }
        // Finishes without an element when the writer stopped before reaching the job.
        var iterator = done.makeAsyncIterator()
        if await iterator.next() == nil {
            throw ConsumerServiceError(code: .writerStopped, message: "the sink writer stopped")
        }
    }

    /// Hands the released events to the writer, with a checkpoint (states + offsets) every
    /// `commitInterval`. Checkpoints are spaced out because each state record is a produce: one per
    /// message changed since the last checkpoint, not one per event.
    private func flush(_ state: inout LoopState, jobs: BoundedAsyncQueue<WriteJob>, checkpoint force: Bool = false) async throws {
        let now = clock.now
        if sinksReadEvents { await Self.materialize(state.pending) }
        var job = WriteJob(batch: state.pending, checkpoint: nil, completion: nil)
        state.summary.released += Int64(state.pending.count { !$0.isConfirmation })
        state.pending.removeAll(keepingCapacity: true)
        if force || now - state.lastCheckpoint >= configuration.commitInterval {
            state.lastCheckpoint = now
            var offsets: [KafkaTopicPartitionOffset] = []
            for partition in state.reorderer.partitions.keys.sorted() {
                if let offset = state.reorderer.committableOffset(partition) {
                    offsets.append(KafkaTopicPartitionOffset(topic: configuration.topic, partition: partition, offset: offset))
                }
            }
            job.checkpoint = WriteJob.Checkpoint(
                states: state.reorderer.takeDirtyStates(), evictions: state.reorderer.takeEvictions(), offsets: offsets
            )
        }
        metrics.record(state.reorderer.statistics, buffered: state.reorderer.bufferedCount)
        if job.batch.isEmpty && job.checkpoint == nil { return }
        if !(await jobs.send(job)) {
            throw ConsumerServiceError(code: .writerStopped, message: "the sink writer stopped")
        }
    }

    private func publishGauges(_ state: LoopState) {
        for (partition, reorderer) in state.reorderer.partitions {
            metrics.watermarkDelay(partition: partition).record(Double(reorderer.watermarkDelay) / 1000)
        }
        metrics.buffered.record(state.reorderer.bufferedCount)
    }
}
