import Foundation

/// Runs blocking work (raw socket I/O in tests) on its own thread, never on the cooperative pool.
func onDedicatedThread<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
    await withCheckedContinuation { continuation in
        let thread = Thread { continuation.resume(returning: work()) }
        thread.start()
    }
}
