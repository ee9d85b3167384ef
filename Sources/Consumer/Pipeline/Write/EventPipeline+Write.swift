/// The writer stage: sinks, then state, then offsets, one job at a time.
extension EventPipeline {
    /// A checkpoint runs beside the next jobs' sink writes (it only covers events already written),
    /// but checkpoints run one at a time and in order, so a message's state records never overtake
    /// each other and a commit never precedes its states.
    func write(_ jobs: BoundedAsyncQueue<WriteJob>) async throws {
        var lastCommitted: [Int32: Int64] = [:]
        var checkpointing: Task<[Int32: Int64], any Error>?
        func finishCheckpoint() async throws {
            guard let task = checkpointing else { return }
            checkpointing = nil
            lastCommitted.merge(try await task.value) { $1 }
        }
        while let job = await jobs.next() {
            do {
                if job.completion != nil || !job.forgetCommitted.isEmpty { try await finishCheckpoint() }
                for partition in job.forgetCommitted { lastCommitted[partition] = nil }
                if !job.batch.isEmpty {
                    metrics.batchSize.record(job.batch.count)
                    try await onEverySink("write", events: job.batch.count) { sink in
                        try await SinkWriteIsolation.write(job.batch[...], to: sink) { released, error, reason in
                            try await self.deadLetter(released, refusedBy: sink.name, error: error, reason: reason)
                        }
                    }
                }
                if let checkpoint = job.checkpoint {
                    // What the checkpoint commits must be durable in every sink first.
                    try await onEverySink("flush", events: 0) { try await $0.flush() }
                    try await finishCheckpoint()
                    let committed = lastCommitted
                    checkpointing = Task { try await self.commit(checkpoint, lastCommitted: committed) }
                }
                if job.completion != nil { try await finishCheckpoint() }
                job.completion?.yield()
                job.completion?.finish()
            } catch {
                // Release whoever waits on this or a later job; none of them ran.
                checkpointing?.cancel()
                job.completion?.finish()
                jobs.finish()
                while let abandoned = await jobs.next() { abandoned.completion?.finish() }
                throw error
            }
        }
        try await finishCheckpoint()
    }

    /// Writes the checkpoint's states, then commits its offsets; returns the offsets it committed.
    private func commit(_ checkpoint: WriteJob.Checkpoint, lastCommitted: [Int32: Int64]) async throws -> [Int32: Int64] {
        let states = checkpoint.states
        let evictions = checkpoint.evictions
        if !states.isEmpty || !evictions.isEmpty {
            try await retrying("state write") { try await self.checkpointer.write(states, deleting: evictions) }
            metrics.stateWrites.increment(by: states.values.reduce(0) { $0 + $1.count } + evictions.values.reduce(0) { $0 + $1.count })
        }
        let offsets = checkpoint.offsets.filter { lastCommitted[$0.partition] != $0.offset }
        guard !offsets.isEmpty else { return [:] }
        do {
            try await checkpointer.commit(offsets)
            metrics.commits.increment()
            let committed = Dictionary(offsets.map { ($0.partition, $0.offset) }) { $1 }
            progress.committed(committed)
            return committed
        } catch {
            // Usually a rebalance in progress; the next checkpoint retries, and an uncommitted offset
            // only means re-reading events the sinks and state already hold.
            metrics.commitErrors.increment()
            logger.warning("offset commit failed", metadata: ["error": "\(error)", "offsets": "\(offsets)"])
            return [:]
        }
    }

    /// Runs `operation` (a batch write, or a flush) on every sink concurrently; retries it on the
    /// sinks that failed, with backoff, with the source paused, until all succeeded.
    private func onEverySink(
        _ what: String, events: Int, _ operation: @escaping @Sendable (any EventSink) async throws -> Void
    ) async throws {
        var remaining = Array(sinks.indices)
        var attempt = 0
        var paused: [Int32] = []
        defer {
            if !paused.isEmpty {
                do { try source.resume(paused) } catch {
                    logger.warning("resume after sink recovery failed", metadata: ["error": "\(error)"])
                }
            }
        }
        let started = clock.now
        while true {
            let failed: [(Int, String)] = await withTaskGroup(of: (Int, String?).self) { group in
                for index in remaining {
                    let sink = sinks[index]
                    group.addTask {
                        // Sinks from SinkFactory record their own latency and error metrics.
                        do {
                            try await operation(sink)
                            return (index, nil)
                        } catch {
                            return (index, "\(error)")
                        }
                    }
                }
                var failed: [(Int, String)] = []
                for await (index, error) in group {
                    if let error { failed.append((index, error)) }
                }
                return failed
            }
            if failed.isEmpty {
                if attempt > 0 {
                    logger.notice("sinks recovered", metadata: ["attempts": "\(attempt + 1)"])
                    progress.sinksHealthy(true)
                }
                return
            }
            remaining = failed.map(\.0).sorted()
            if attempt == 0 {
                progress.sinksHealthy(false)
                let owned = self.owned.withLock { $0 }
                do {
                    try source.pause(owned)
                    paused = owned
                    metrics.sinkPaused.record(1)
                } catch {
                    logger.warning("pausing consumption failed", metadata: ["error": "\(error)"])
                }
            }
            for (index, error) in failed {
                logger.error(
                    "sink \(what) failed; retrying with consumption paused",
                    metadata: ["sink": "\(sinks[index].name)", "events": "\(events)", "attempt": "\(attempt + 1)", "error": "\(error)"]
                )
            }
            if shuttingDown.load(ordering: .relaxed), clock.now - started >= configuration.shutdownGracePeriod {
                throw ConsumerServiceError(
                    code: .sinkWriteAbandoned,
                    message: "gave up the \(what) of \(remaining.map { sinks[$0].name }.joined(separator: ", ")) during shutdown; uncommitted events will be read again"
                )
            }
            try await backoff(attempt: attempt)
            attempt += 1
            if paused.isEmpty == false { metrics.sinkPaused.record(1) }
        }
    }
}
