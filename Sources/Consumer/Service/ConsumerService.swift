import Foundation
public import Kafka
public import Logging
public import ServiceLifecycle
import StatusEvents
import StatusRelayCore
import Synchronization

/// The consumer pipeline: Kafka consumer group → decode → per-message reorderer → batches to every
/// sink → durable message state → offset commit.
///
/// Three stages run concurrently so the two cores both work: a reader takes records in batches and
/// decodes them; the pipeline reorders; a writer runs the sinks and, every `commitInterval`, writes
/// the message states and commits. Jobs reach the writer in release order and run one at a time.
///
/// Guarantees: per partition, the committed offset never passes an event that is still buffered or
/// not yet accepted by every sink; message state is written after the sinks accepted and before the
/// commit. A failing sink is retried with backoff while the partitions are paused. On revoke the
/// partition's buffered work is dropped uncommitted; its next owner restores the state and re-reads.
///
/// Nothing one record carries stops a partition: a record that does not decode, or whose key is not
/// its event's messageSid, and an event a sink refuses for good (``SinkError/Code/rejected``) go to
/// the dead-letter topic with the reason, in a form that fits (``DeadLetterRecord``), and the rest
/// goes on. `/readyz` fails while a partition makes no committed progress (``ConsumerHealth``).
///
/// Run it in a `ServiceGroup` after the `KafkaConsumer` and `KafkaProducer` it uses (the group stops
/// services in reverse order, so this one flushes and commits before the consumer leaves the group).
public final class ConsumerService: Service, Sendable {
    enum Input: Sendable {
        case records([DecodedRecord])
        case event(KafkaConsumerEvent)
        case tick
        case readerFailed(String)
    }

    public let configuration: ConsumerServiceConfiguration
    public let health: ConsumerHealth
    private let consumer: KafkaConsumer
    private let producer: KafkaProducer?
    private let admin: KafkaAdminClient?
    private let sinks: [any EventSink]
    private let stateStore: any StateStore
    private let logger: Logger
    private let metrics = ConsumerMetrics()
    /// Next offset to read per owned partition, for lag.
    private let positions = Mutex<[Int32: Int64]>([:])
    private let shuttingDown = Atomic<Bool>(false)
    private let clock = ContinuousClock()
    private let epoch: ContinuousClock.Instant
    private let handOverPolicy: HandOverPolicy
    private let deadLetters: DeadLetterPublisher

    /// - Parameters:
    ///   - producer: for the dead-letter topic; nil disables dead-lettering.
    ///   - admin: for the source topic's partition count (state store set-up) and lag; nil disables lag.
    public init(
        configuration: ConsumerServiceConfiguration,
        consumer: KafkaConsumer,
        producer: KafkaProducer?,
        admin: KafkaAdminClient?,
        sinks: [any EventSink],
        stateStore: any StateStore,
        health: ConsumerHealth = ConsumerHealth(),
        logger: Logger
    ) {
        self.configuration = configuration
        self.consumer = consumer
        self.producer = producer
        self.admin = admin
        self.sinks = sinks
        self.stateStore = stateStore
        self.health = health
        self.logger = logger
        self.epoch = clock.now
        self.handOverPolicy = HandOverPolicy(maxBatchSize: configuration.maxBatchSize)
        self.deadLetters = DeadLetterPublisher(
            producer: producer, topic: configuration.deadLetterTopic, maxBytes: configuration.deadLetterMaxBytes,
            metrics: metrics, logger: logger
        )
        health.setStallTimeout(configuration.stallTimeout)
    }

    private var nowMilliseconds: Int64 {
        let (seconds, attoseconds) = (clock.now - epoch).components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }

    public func run() async throws {
        // Capacity in batches: read-ahead is bounded in records.
        let queue = BoundedAsyncQueue<Input>(capacity: max(2, configuration.readAhead / Self.readBatchSize))
        let jobs = BoundedAsyncQueue<WriteJob>(capacity: 2)
        do {
            for sink in sinks { try await sink.start() }
            let partitions = try await admin?.partitions(of: configuration.topic) ?? []
            try await stateStore.start(sourcePartitions: partitions)
            if let admin, producer != nil, let topic = configuration.deadLetterTopic, !topic.isEmpty {
                // Created up front so a dead letter never waits on topic auto-creation (often disabled).
                try await admin.createTopic(topic, partitions: Int32(max(1, partitions.count)))
            }
        } catch {
            health.update { $0.stopped = true; $0.lastError = "\(error)" }
            logger.error("consumer start-up failed", metadata: ["error": "\(error)"])
            throw error
        }
        health.update { $0.started = true }
        logger.info(
            "consumer pipeline started",
            metadata: [
                "topic": "\(configuration.topic)", "sinks": "\(sinks.map(\.name))",
                "reorder_window": "\(DurationFormat.format(configuration.reorder.window))",
            ]
        )

        var failure: (any Error)?
        await withGracefulShutdownHandler {
            await withTaskGroup(of: Void.self) { group in
                group.addTask { await self.readMessages(into: queue) }
                group.addTask {
                    for await event in self.consumer.events {
                        if !(await queue.send(.event(event))) { return }
                    }
                }
                group.addTask {
                    while !Task.isCancelled {
                        try? await Task.sleep(for: self.configuration.tickInterval)
                        if !(await queue.send(.tick)) { return }
                    }
                }
                if admin != nil {
                    group.addTask { await self.measureLag() }
                }
                let writer = Task {
                    do {
                        try await self.write(jobs)
                        return nil as (any Error)?
                    } catch {
                        // Stop the pipeline: nothing after the failed job may be committed.
                        queue.finish()
                        return error
                    }
                }
                do {
                    try await self.process(queue, jobs: jobs)
                } catch {
                    failure = error
                }
                jobs.finish()
                if let writerFailure = await writer.value { failure = failure ?? writerFailure }
                queue.finish()
                group.cancelAll()
            }
        } onGracefulShutdown: {
            self.shuttingDown.store(true, ordering: .relaxed)
            queue.finish()
        }
        for sink in sinks {
            do { try await sink.shutdown() } catch {
                logger.warning("sink shutdown failed", metadata: ["sink": "\(sink.name)", "error": "\(error)"])
            }
        }
        health.update { $0.stopped = true }
        if let failure {
            health.update { $0.lastError = "\(failure)" }
            logger.error("consumer pipeline failed", metadata: ["error": "\(failure)"])
            throw failure
        }
        logger.info("consumer pipeline stopped")
    }

    /// Most records the reader takes and decodes at once.
    static let readBatchSize = 1000

    private func readMessages(into queue: BoundedAsyncQueue<Input>) async {
        // Decoding every field is the reader's main cost; sinks that write the JSON need none of it.
        let summaryOnly = !sinks.contains { $0.readsEvents }
        var iterator = consumer.messages.makeAsyncIterator()
        do {
            while let messages = try await iterator.nextBatch(maxCount: Self.readBatchSize) {
                metrics.consumed.increment(by: messages.count)
                let records = await Self.decode(messages, topic: configuration.topic, summaryOnly: summaryOnly)
                if records.isEmpty { continue }
                if !(await queue.send(.records(records))) { return }
            }
            // The consumer closed: end the pipeline.
            queue.finish()
        } catch {
            await queue.send(.readerFailed("\(error)"))
        }
    }

    /// Decodes a batch, the second half in a child task: decoding is the reader's main cost, and
    /// the other core is often idle while the reorderer waits for this batch.
    static func decode(_ messages: [KafkaConsumerMessage], topic: String, summaryOnly: Bool = false) async -> [DecodedRecord] {
        func decode(_ slice: ArraySlice<KafkaConsumerMessage>) -> [DecodedRecord] {
            var records: [DecodedRecord] = []
            records.reserveCapacity(slice.count)
            for message in slice where message.topic == topic {
                records.append(DecodedRecord(message, summaryOnly: summaryOnly))
            }
            return records
        }
        guard messages.count >= 256 else { return decode(messages[...]) }
        let half = messages.count / 2
        async let tail = decode(messages[half...])
        var records = decode(messages[..<half])
        records += await tail
        return records
    }

    // MARK: - Pipeline loop

    struct Pipeline {
        var reorderer: Reorderer
        var pending: [ReleasedEvent] = []
        var lastCheckpoint: ContinuousClock.Instant
    }

    private func process(_ queue: BoundedAsyncQueue<Input>, jobs: BoundedAsyncQueue<WriteJob>) async throws {
        let start = clock.now
        var pipeline = Pipeline(
            reorderer: Reorderer(topic: configuration.topic, configuration: configuration.reorder),
            lastCheckpoint: start
        )
        while let input = await queue.next() {
            if shuttingDown.load(ordering: .relaxed) { break }
            switch input {
            case .records(let records):
                try await handle(records, in: &pipeline, jobs: jobs)
            case .event(.partitionsAssigned(let partitions)):
                let mine = partitions.filter { $0.topic == configuration.topic }.map(\.partition)
                try await assign(mine.filter { !pipeline.reorderer.owns($0) }, in: &pipeline, jobs: jobs)
            case .event(.partitionsRevoked(let partitions)):
                let mine = Set(partitions.filter { $0.topic == configuration.topic }.map(\.partition))
                try await revoke(mine, in: &pipeline, queue: queue, jobs: jobs)
            case .tick:
                pipeline.reorderer.advance(
                    now: nowMilliseconds, fetchedEnds: fetchedEnds(of: pipeline.reorderer), into: &pipeline.pending
                )
                let handOver = handOverPolicy.atTick(
                    pending: pipeline.pending.count, waitingBatches: jobs.count,
                    checkpointDue: clock.now - pipeline.lastCheckpoint >= configuration.commitInterval
                )
                if handOver { try await flush(&pipeline, jobs: jobs) }
                publishGauges(&pipeline)
            case .readerFailed(let reason):
                throw ConsumerServiceError(code: .readerFailed, message: reason)
            }
        }
        // Graceful shutdown: what was released goes out and is committed; buffered events stay
        // uncommitted and are read again by the next owner.
        try await flush(&pipeline, jobs: jobs, checkpoint: true)
        try await drainWriter(jobs)
        logger.info(
            "consumer pipeline drained",
            metadata: ["buffered_uncommitted": "\(pipeline.reorderer.bufferedCount)"]
        )
    }

    /// Log ends as of the last fetch of each owned partition. Ticks are queued behind the records read
    /// before them, so a partition whose every record up to its end reached the reorderer is live.
    private func fetchedEnds(of reorderer: Reorderer) -> [Int32: Int64] {
        let owned = reorderer.partitions.keys.map { KafkaTopicPartition(topic: configuration.topic, partition: $0) }
        var ends: [Int32: Int64] = [:]
        for (topicPartition, high) in consumer.fetchedHighWatermarks(owned) { ends[topicPartition.partition] = high }
        return ends
    }

    private func handle(_ records: [DecodedRecord], in pipeline: inout Pipeline, jobs: BoundedAsyncQueue<WriteJob>) async throws {
        var assigned = Set<Int32>()
        for topicPartition in consumer.assignment where topicPartition.topic == configuration.topic {
            assigned.insert(topicPartition.partition)
        }
        var highest: [Int32: Int64] = [:]
        for record in records where assigned.contains(record.partition) {
            highest[record.partition] = max(highest[record.partition] ?? 0, record.offset.saturatingAdd(1))
        }
        // Before the records are handled: a record that cannot be (dead-letter topic down) must show
        // as a partition making no progress.
        health.recordRead(highest)
        let now = nowMilliseconds
        let wallClock = PlausibilityClock.now()
        for record in records {
            guard assigned.contains(record.partition) else {
                // Read before its partition was revoked: its next owner reads it again from the committed offset.
                continue
            }
            if !pipeline.reorderer.owns(record.partition) {
                // Records can arrive before the assignment notification: restore first.
                try await assign([record.partition], in: &pipeline, jobs: jobs)
            }
            switch record.content {
            case .event(let box):
                pipeline.reorderer.add(
                    box, from: record.partition, offset: record.offset, now: now,
                    wallClock: PlausibilityClock.reference(wallClock: wallClock, recordTimestamp: record.timestampMs),
                    into: &pipeline.pending
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
                pipeline.reorderer.markDone(partition: message.partition, offset: message.offset)
            }
            if handOverPolicy.afterRelease(pending: pipeline.pending.count) {
                try await flush(&pipeline, jobs: jobs)
            }
        }
        if !highest.isEmpty {
            positions.withLock { positions in
                for (partition, next) in highest { positions[partition] = next }
            }
        }
    }

    private func deadLetter(_ message: KafkaConsumerMessage, reason: String, kind: DeadLetterRecord.Kind) async throws {
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
    private func deadLetter(_ released: ReleasedEvent, refusedBy sink: String, error: SinkError, reason: String) async throws {
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

    private func assign(_ partitions: [Int32], in pipeline: inout Pipeline, jobs: BoundedAsyncQueue<WriteJob>) async throws {
        guard !partitions.isEmpty else { return }
        // The writer must not commit a stale position for these partitions.
        try await drainWriter(jobs, forgetting: Set(partitions))
        let states = try await retrying("state restore") { try await self.stateStore.restore(partitions: partitions) }
        for partition in partitions {
            pipeline.reorderer.assign(partition, states: states[partition] ?? [:])
        }
        let owned = pipeline.reorderer.partitions.keys.sorted()
        health.update { $0.assignedPartitions = owned }
        logger.info("partitions assigned", metadata: ["partitions": "\(partitions.sorted())"])
    }

    private func revoke(
        _ partitions: Set<Int32>, in pipeline: inout Pipeline, queue: BoundedAsyncQueue<Input>, jobs: BoundedAsyncQueue<WriteJob>
    ) async throws {
        guard !partitions.isEmpty else { return }
        // Let the jobs already handed over finish (their commits are for work the sinks accepted).
        try await drainWriter(jobs, forgetting: partitions)
        var dropped = 0
        for partition in partitions {
            dropped += pipeline.reorderer.revoke(partition)
        }
        let before = pipeline.pending.count
        pipeline.pending.removeAll { partitions.contains($0.partition) }
        queue.transformAll { input in
            guard case .records(let records) = input else { return input }
            let kept = records.filter { !partitions.contains($0.partition) }
            return kept.isEmpty ? nil : .records(kept)
        }
        positions.withLock { positions in for partition in partitions { positions[partition] = nil } }
        health.forgetProgress(partitions)
        let owned = pipeline.reorderer.partitions.keys.sorted()
        health.update { $0.assignedPartitions = owned }
        logger.info(
            "partitions revoked",
            metadata: [
                "partitions": "\(partitions.sorted())", "dropped_buffered": "\(dropped)",
                "dropped_released": "\(before - pipeline.pending.count)",
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
    private func flush(_ pipeline: inout Pipeline, jobs: BoundedAsyncQueue<WriteJob>, checkpoint force: Bool = false) async throws {
        let now = clock.now
        var job = WriteJob(batch: pipeline.pending, checkpoint: nil, completion: nil)
        pipeline.pending.removeAll(keepingCapacity: true)
        if force || now - pipeline.lastCheckpoint >= configuration.commitInterval {
            pipeline.lastCheckpoint = now
            var offsets: [KafkaTopicPartitionOffset] = []
            for partition in pipeline.reorderer.partitions.keys.sorted() {
                if let offset = pipeline.reorderer.committableOffset(partition) {
                    offsets.append(KafkaTopicPartitionOffset(topic: configuration.topic, partition: partition, offset: offset))
                }
            }
            job.checkpoint = WriteJob.Checkpoint(
                states: pipeline.reorderer.takeDirtyStates(), evictions: pipeline.reorderer.takeEvictions(), offsets: offsets
            )
        }
        metrics.record(pipeline.reorderer.statistics, buffered: pipeline.reorderer.bufferedCount)
        if job.batch.isEmpty && job.checkpoint == nil { return }
        if !(await jobs.send(job)) {
            throw ConsumerServiceError(code: .writerStopped, message: "the sink writer stopped")
        }
    }

    /// The writer stage: sinks, then state, then offsets, one job at a time.
    ///
    /// A checkpoint runs beside the next jobs' sink writes (it only covers events already written),
    /// but checkpoints run one at a time and in order, so a message's state records never overtake
    /// each other and a commit never precedes its states.
    private func write(_ jobs: BoundedAsyncQueue<WriteJob>) async throws {
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
            try await retrying("state write") { try await self.stateStore.write(states, deleting: evictions) }
            metrics.stateWrites.increment(by: states.values.reduce(0) { $0 + $1.count } + evictions.values.reduce(0) { $0 + $1.count })
        }
        let offsets = checkpoint.offsets.filter { lastCommitted[$0.partition] != $0.offset }
        guard !offsets.isEmpty else { return [:] }
        do {
            try await consumer.commit(offsets)
            metrics.commits.increment()
            let committed = Dictionary(offsets.map { ($0.partition, $0.offset) }) { $1 }
            health.recordCommitted(committed)
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
    /// sinks that failed, with backoff, with consumption paused, until all succeeded.
    private func onEverySink(
        _ what: String, events: Int, _ operation: @escaping @Sendable (any EventSink) async throws -> Void
    ) async throws {
        var remaining = Array(sinks.indices)
        var attempt = 0
        var paused: [KafkaTopicPartition] = []
        defer {
            if !paused.isEmpty {
                do { try consumer.resume(paused) } catch {
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
                    health.update { $0.sinksHealthy = true }
                }
                return
            }
            remaining = failed.map(\.0).sorted()
            if attempt == 0 {
                health.update { $0.sinksHealthy = false }
                let owned = health.snapshot.assignedPartitions.map {
                    KafkaTopicPartition(topic: configuration.topic, partition: $0)
                }
                do {
                    try consumer.pause(owned)
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

    /// Retries `body` with backoff until it succeeds (or shutdown's grace period ran out).
    private func retrying<T: Sendable>(_ what: String, _ body: () async throws -> T) async throws -> T {
        var attempt = 0
        let started = clock.now
        while true {
            do {
                return try await body()
            } catch {
                if what == "state write" { metrics.stateErrors.increment() }
                logger.error("\(what) failed; retrying", metadata: ["attempt": "\(attempt + 1)", "error": "\(error)"])
                if shuttingDown.load(ordering: .relaxed), clock.now - started >= configuration.shutdownGracePeriod {
                    throw error
                }
                try await backoff(attempt: attempt)
                attempt += 1
            }
        }
    }

    private func backoff(attempt: Int) async throws {
        let base = configuration.retryInitialBackoff * (1 << min(attempt, 16))
        let capped = min(base, configuration.retryMaxBackoff)
        let jittered = capped * Double.random(in: 0.5...1.0)
        // Not cancellable by graceful shutdown: the grace period check above bounds it.
        try await Task.sleep(for: jittered)
    }

    static func nanoseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }

    private func publishGauges(_ pipeline: inout Pipeline) {
        for (partition, reorderer) in pipeline.reorderer.partitions {
            metrics.watermarkDelay(partition: partition).record(Double(reorderer.watermarkDelay) / 1000)
        }
        metrics.buffered.record(pipeline.reorderer.bufferedCount)
    }

    private func measureLag() async {
        guard let admin else { return }
        while !Task.isCancelled {
            let current = positions.withLock { $0 }
            for (partition, position) in current {
                if let (_, high) = try? await admin.watermarks(topic: configuration.topic, partition: partition) {
                    metrics.lag(partition: partition).record(max(0, high - position))
                }
            }
            try? await Task.sleep(for: configuration.lagInterval)
        }
    }
}

