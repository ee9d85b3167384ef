import Dispatch

/// Runs blocking work (file writes, fsync, opening databases) on a serial DispatchQueue so the
/// cooperative pool never blocks; callers await the result. The one way the sinks and the spool
/// run blocking work (`Kafka` has its own, internal, as it cannot import this module).
package struct BlockingIO: Sendable {
    let queue: DispatchQueue

    package init(label: String) {
        queue = DispatchQueue(label: label)
    }

    package func run<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            queue.async {
                continuation.resume(with: Result { try work() })
            }
        }
    }

    /// `run` for work that reports its own failures.
    package func outcome<T: Sendable>(of work: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            queue.async { continuation.resume(returning: work()) }
        }
    }
}
