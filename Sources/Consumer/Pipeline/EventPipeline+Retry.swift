/// Retries with backoff, for everything the pipeline must not skip (sink writes, state, dead letters).
extension EventPipeline {
    /// Retries `body` with backoff until it succeeds (or shutdown's grace period ran out).
    func retrying<T: Sendable>(_ what: String, _ body: () async throws -> T) async throws -> T {
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

    func backoff(attempt: Int) async throws {
        let base = configuration.retryInitialBackoff * (1 << min(attempt, 16))
        let capped = min(base, configuration.retryMaxBackoff)
        let jittered = capped * Double.random(in: 0.5...1.0)
        // Not cancellable by graceful shutdown: the grace period check above bounds it.
        try await Task.sleep(for: jittered)
    }
}
