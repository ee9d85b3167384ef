import StatusRelayCore

/// Settings of the consumer pipeline. Every default is the one `statusrelay-consumer` uses.
package struct ConsumerServiceConfiguration: Sendable {
    /// Source topic. Default `twilio.message-status`. Flag `--topic`, env `STATUSRELAY_TOPIC`.
    package var topic: String
    /// Reordering (window, buffer bound). Flags `--reorder-window`, `--max-buffered-events`.
    package var reorder: ReorderConfiguration
    /// Most events written to the sinks in one batch. Batches grow toward it only while a batch
    /// waits for the sinks (larger transactions let a database catch up). Default 20 000.
    /// Flag `--max-batch-size`, env `STATUSRELAY_MAX_BATCH_SIZE`.
    package var maxBatchSize: Int
    /// How often watermarks advance with the clock and released events are flushed: a released event
    /// waits up to this long on top of the window. Default 50 ms.
    /// Flag `--tick-interval`, env `STATUSRELAY_TICK_INTERVAL`.
    package var tickInterval: Duration
    /// Where records the consumer cannot handle go (undecodable, key not the event's messageSid,
    /// refused by a sink), with the reason in headers (``DeadLetterRecord``). Default `<topic>.dlq`.
    /// Flag `--dead-letter-topic`, env `STATUSRELAY_DEAD_LETTER_TOPIC`.
    package var deadLetterTopic: String?
    /// First and longest wait between retries of a failing sink or state write. Defaults 200 ms / 10 s.
    package var retryInitialBackoff: Duration
    package var retryMaxBackoff: Duration
    /// How long graceful shutdown keeps retrying a failing sink before giving up (nothing past the
    /// unwritten events is committed either way). Default 10 s.
    package var shutdownGracePeriod: Duration
    /// How often consumer lag per partition is measured. Default 5 s.
    package var lagInterval: Duration
    /// Records read ahead of the pipeline. Default 10 000.
    package var readAhead: Int
    /// How often message states are written and offsets committed (a checkpoint). Events reach the
    /// sinks as soon as they are released either way; a longer interval means fewer state records
    /// (one per message changed in the interval) and more re-reading after a crash. Default 1 s.
    /// Flag `--commit-interval`, env `STATUSRELAY_COMMIT_INTERVAL`.
    package var commitInterval: Duration
    /// Largest dead-letter record (key, value and headers). A record that does not fit is
    /// dead-lettered with its value (and key) truncated and headers saying so (``DeadLetterRecord``).
    /// Keep it below the producer's `message.max.bytes` (librdkafka default 1,000,000). Default 900,000.
    /// Flag `--dead-letter-max-bytes`, env `STATUSRELAY_DEAD_LETTER_MAX_BYTES`.
    package var deadLetterMaxBytes: Int
    /// `/readyz` fails when a partition has records read but its committed offset has not moved for
    /// this long (a sink or the dead-letter topic failing without end). Keep it above the reorder
    /// window. Default 60 s. Flag `--stall-timeout`, env `STATUSRELAY_STALL_TIMEOUT`.
    package var stallTimeout: Duration

    /// `<topic>.dlq`, the dead-letter topic when none is set.
    package static func defaultDeadLetterTopic(topic: String) -> String { "\(topic).dlq" }

    package init(
        topic: String = KafkaSettings.defaultTopic,
        reorder: ReorderConfiguration = ReorderConfiguration(),
        maxBatchSize: Int = 20_000,
        tickInterval: Duration = .milliseconds(50),
        deadLetterTopic: String? = nil,
        retryInitialBackoff: Duration = .milliseconds(200),
        retryMaxBackoff: Duration = .seconds(10),
        shutdownGracePeriod: Duration = .seconds(10),
        lagInterval: Duration = .seconds(5),
        readAhead: Int = 10_000,
        commitInterval: Duration = .seconds(1),
        deadLetterMaxBytes: Int = 900_000,
        stallTimeout: Duration = .seconds(60)
    ) {
        self.topic = topic
        self.reorder = reorder
        self.maxBatchSize = max(1, maxBatchSize)
        self.tickInterval = tickInterval
        self.deadLetterTopic = deadLetterTopic ?? Self.defaultDeadLetterTopic(topic: topic)
        self.retryInitialBackoff = retryInitialBackoff
        self.retryMaxBackoff = retryMaxBackoff
        self.shutdownGracePeriod = shutdownGracePeriod
        self.lagInterval = lagInterval
        self.readAhead = readAhead
        self.commitInterval = commitInterval
        self.deadLetterMaxBytes = max(DeadLetterRecord.minimumBytes, deadLetterMaxBytes)
        self.stallTimeout = stallTimeout
    }
}
