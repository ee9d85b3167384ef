import ServiceLifecycle
import StatusRelayCore

/// Trims the allocator every ``AllocatorPolicy/trimInterval`` (see ``AllocatorPolicy``), on a queue
/// of its own, until graceful shutdown. Last in the service group, so it stops first.
package struct MemoryTrimService: Service {
    package let interval: Duration
    private let blocking = BlockingIO(label: "statusrelay.malloc-trim")

    package init(interval: Duration) {
        self.interval = interval
    }

    package func run() async throws {
        do {
            try await cancelWhenGracefulShutdown {
                while true {
                    try await Task.sleep(for: interval)
                    await blocking.outcome { AllocatorPolicy.trim() }
                }
            }
        } catch is CancellationError {
            // Graceful shutdown: nothing to finish.
        }
    }
}
