import StatusRelayCore

/// Runs `operation` in its own task and throws `onTimeout()` if it has not finished after
/// `timeout`. On timeout the operation is cancelled but not awaited: a database query that ignores
/// cancellation cannot hang the caller. Callers must therefore only use it for idempotent work.
func withDeadline<T: Sendable>(
    _ timeout: Duration,
    onTimeout: @escaping @Sendable () -> any Error,
    _ operation: @escaping @Sendable () async throws -> T
) async throws -> T {
    let outcome = ResumeOnce<Result<T, any Error>>()
    let work = Task {
        do { outcome.resume(.success(try await operation())) } catch { outcome.resume(.failure(error)) }
    }
    let timer = Task {
        do { try await Task.sleep(for: timeout) } catch { return }
        outcome.resume(.failure(onTimeout()))
    }
    // The loser is cancelled; the work, when the timer won, is not awaited.
    defer {
        work.cancel()
        timer.cancel()
    }
    return try await withTaskCancellationHandler {
        try await outcome.value().get()
    } onCancel: {
        work.cancel()
        timer.cancel()
    }
}
