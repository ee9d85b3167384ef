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

    func start() async throws {
        do {
            try await base.start()
        } catch {
            metrics.error((error as? SinkError)?.code.description ?? "start_failed")
            throw error
        }
    }

    func write(_ batch: [ReleasedEvent]) async throws {
        guard !batch.isEmpty else { return }
        let started = ContinuousClock.now
        do {
            try await base.write(batch)
        } catch {
            metrics.error((error as? SinkError)?.code.description ?? "unknown")
            throw error
        }
        metrics.writeDuration.record(duration: ContinuousClock.now - started)
        metrics.events.increment(by: batch.count)
    }

    func flush() async throws {
        do {
            try await base.flush()
        } catch {
            metrics.error((error as? SinkError)?.code.description ?? "flush_failed")
            throw error
        }
    }

    func shutdown() async throws {
        try await base.shutdown()
    }
}
