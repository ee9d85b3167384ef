package import Kafka
package import Logging
import Synchronization

/// The consumer's stages, shared by the live consumer and `statusrelay replay`: record source →
/// decode → reorder → write → checkpoint.
///
/// A driver feeds records and events (rebalances, ticks, end of input) through `send`, in order, and
/// runs `run()`. What differs between drivers sits behind small protocols: where records come from
/// (``RecordSource``), what a checkpoint does (``Checkpointer``) and where progress is reported
/// (``PipelineProgress``). Everything else (the key check, dead-lettering, sink retries with backoff
/// while the source is paused, per-event sink isolation) is the same for both.
///
/// Two stages run concurrently so the two cores both work: the loop decodes and reorders; a writer
/// runs the sinks and, every `commitInterval`, the checkpoint. Jobs reach the writer in release order
/// and run one at a time.
///
/// Guarantees: per partition, the committed offset never passes an event that is still buffered or
/// not yet accepted by every sink; message state is written after the sinks accepted and before the
/// commit. On revoke the partition's buffered work is dropped uncommitted.
///
/// Nothing one record carries stops a partition: a record that does not decode, or whose key is not
/// its event's messageSid, and an event a sink refuses for good (``SinkError/Code/rejected``) go to
/// the dead-letter topic with the reason, in a form that fits (``DeadLetterRecord``), and the rest
/// goes on. One pipeline runs once.
package final class EventPipeline: Sendable {
    enum Input: Sendable {
        case records([DecodedRecord])
        case event(PipelineEvent)
    }

    /// Most records a driver reads and decodes at once.
    package static let readBatchSize = 1000

    let configuration: ConsumerServiceConfiguration
    let sinks: [any EventSink]
    let source: any RecordSource
    let checkpointer: any Checkpointer
    let progress: any PipelineProgress
    let logger: Logger
    let metrics: ConsumerMetrics
    let deadLetters: DeadLetterPublisher
    let handOverPolicy: HandOverPolicy
    let inputs: BoundedAsyncQueue<Input>
    let shuttingDown = Atomic<Bool>(false)
    /// Partitions the loop owns, for pausing the source while sinks fail (read by the writer).
    let owned = Mutex<[Int32]>([])
    let clock = ContinuousClock()
    /// Whether a sink reads whole events (`EventSink.readsEvents`). Records are decoded to their
    /// summary either way, so an event held for reordering keeps its JSON and summary only, not a
    /// dozen strings and its params; whole events are decoded when released events are handed to
    /// the writer (``materialize(_:)``), so only batches on their way to the sinks hold them.
    let sinksReadEvents: Bool

    /// - Parameter producer: for the dead-letter topic; nil disables dead-lettering.
    package convenience init(
        configuration: ConsumerServiceConfiguration,
        sinks: [any EventSink],
        source: any RecordSource,
        checkpointer: any Checkpointer,
        progress: any PipelineProgress,
        producer: KafkaProducer?,
        logger: Logger
    ) {
        self.init(
            configuration: configuration, sinks: sinks, source: source, checkpointer: checkpointer, progress: progress,
            producer: producer, metrics: ConsumerMetrics(), logger: logger
        )
    }

    init(
        configuration: ConsumerServiceConfiguration,
        sinks: [any EventSink],
        source: any RecordSource,
        checkpointer: any Checkpointer,
        progress: any PipelineProgress,
        producer: KafkaProducer?,
        metrics: ConsumerMetrics,
        logger: Logger
    ) {
        self.configuration = configuration
        self.sinks = sinks
        self.source = source
        self.checkpointer = checkpointer
        self.progress = progress
        self.metrics = metrics
        self.logger = logger
        self.handOverPolicy = HandOverPolicy(maxBatchSize: configuration.maxBatchSize)
        self.deadLetters = DeadLetterPublisher(
            producer: producer, topic: configuration.deadLetterTopic, maxBytes: configuration.deadLetterMaxBytes,
            metrics: metrics, logger: logger
        )
        // Capacity in batches: read-ahead is bounded in records.
        self.inputs = BoundedAsyncQueue(capacity: max(2, configuration.readAhead / Self.readBatchSize))
        self.sinksReadEvents = sinks.contains { $0.readsEvents }
    }

    // MARK: - Driver API

    /// Decodes records read from the source and queues them. Waits while the pipeline is behind
    /// (backpressure); false once it stopped.
    package func send(_ messages: [KafkaConsumerMessage]) async -> Bool {
        metrics.consumed.increment(by: messages.count)
        let records = await Self.decode(messages, topic: configuration.topic, summaryOnly: true)
        if records.isEmpty { return !inputs.isFinished }
        return await inputs.send(.records(records))
    }

    /// Queues an event behind the records sent before it; false once the pipeline stopped.
    @discardableResult
    package func send(_ event: PipelineEvent) async -> Bool {
        await inputs.send(.event(event))
    }

    /// The source has nothing more: the pipeline hands over what was released and ends.
    package func finish() {
        inputs.finish()
    }

    /// Graceful shutdown: what was released goes out and is committed; buffered events stay
    /// uncommitted. Sinks that keep failing are given up after `shutdownGracePeriod`.
    package func stop() {
        shuttingDown.store(true, ordering: .relaxed)
        inputs.finish()
    }

    /// Runs the loop and the writer until the input ends (``finish()``, ``stop()``) or a stage fails.
    /// Sinks are started and shut down by the driver.
    package func run() async throws -> PipelineSummary {
        let jobs = BoundedAsyncQueue<WriteJob>(capacity: 2)
        let writer = Task {
            do {
                try await self.write(jobs)
                return nil as (any Error)?
            } catch {
                // Stop the pipeline: nothing after the failed job may be committed.
                self.inputs.finish()
                return error
            }
        }
        var failure: (any Error)?
        var summary = PipelineSummary()
        do {
            summary = try await process(jobs: jobs)
        } catch {
            failure = error
        }
        jobs.finish()
        if let writerFailure = await writer.value { failure = failure ?? writerFailure }
        inputs.finish()
        if let failure { throw failure }
        return summary
    }

    // MARK: - Decode

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

    /// Decodes the whole events of a batch of released events (see `sinksReadEvents`), half in a
    /// child task like `decode`.
    static func materialize(_ batch: [ReleasedEvent]) async {
        func materialize(_ slice: ArraySlice<ReleasedEvent>) {
            for released in slice { released.materialize() }
        }
        guard batch.count >= 256 else { return materialize(batch[...]) }
        let half = batch.count / 2
        async let tail: Void = materialize(batch[half...])
        materialize(batch[..<half])
        await tail
    }
}
