/// Wraps a sink to record its write latency, accepted events and errors (see ``SinkMetrics``).
/// ``SinkFactory`` wraps every sink it makes.
struct InstrumentedSink: EventSink {
    let base: any EventSink
    let metrics: SinkMetrics

    init(_ base: any EventSink) {
        self.base = base
        self.metrics = SinkMetrics(sink: base.name)
    }

    var name: String { base.name }
    var readsEvents: Bool { base.readsEvents }
    var recordsConfirmations: Bool { base.recordsConfirmations }

    func start() async throws {
        try await counting(unknown: "start_failed") { try await base.start() }
    }

    func write(_ batch: [ReleasedEvent]) async throws {
        // Confirmations are not events of the stream: only sinks that record them see them.
        var batch = batch
        if !base.recordsConfirmations, batch.contains(where: \.isConfirmation) { batch.removeAll(where: \.isConfirmation) }
        guard !batch.isEmpty else { return }
        let started = ContinuousClock.now
        try await counting(unknown: "unknown") { try await base.write(batch) }
        metrics.writeDuration.record(duration: ContinuousClock.now - started)
        metrics.events.increment(by: batch.count)
    }

    func flush() async throws {
        try await counting(unknown: "flush_failed") { try await base.flush() }
    }

    /// Runs `operation`, counting a failure under its `SinkError` code (`unknown` for other errors).
    private func counting(unknown: String, _ operation: () async throws -> Void) async throws {
        do {
            try await operation()
        } catch {
            metrics.error((error as? SinkError)?.code.description ?? unknown)
            throw error
        }
    }

    func shutdown() async throws {
        try await base.shutdown()
    }
}
