import Synchronization

/// Runs `operation` in its own task and throws `onTimeout()` if it has not finished after
/// `timeout`. On timeout the operation is cancelled but not awaited: a database query that ignores
/// cancellation cannot hang the caller. Callers must therefore only use it for idempotent work.
func withDeadline<T: Sendable>(
    _ timeout: Duration,
    onTimeout: @escaping @Sendable () -> any Error,
    _ operation: @escaping @Sendable () async throws -> T
) async throws -> T {
    let race = DeadlineRace<T>()
    return try await withTaskCancellationHandler {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            race.begin(continuation)
            let work = Task {
                do { race.finish(.success(try await operation())) } catch { race.finish(.failure(error)) }
            }
            let timer = Task {
                do {
                    try await Task.sleep(for: timeout)
                    race.finish(.failure(onTimeout()))
                } catch {}
            }
            race.track([work, timer])
        }
    } onCancel: {
        race.cancel()
    }
}
