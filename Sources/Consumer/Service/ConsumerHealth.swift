import Synchronization

/// Liveness and readiness of the consumer, shared between the pipeline and the admin server.
public final class ConsumerHealth: Sendable {
    public struct Snapshot: Sendable, Hashable {
        /// The pipeline started its sinks and the state store.
        public var started = false
        /// The last sink/state write succeeded (false while retrying through an outage).
        public var sinksHealthy = true
        /// Source partitions currently owned.
        public var assignedPartitions: [Int32] = []
        /// The pipeline loop ended (shutdown or failure).
        public var stopped = false
        public var lastError: String?

        public var isReady: Bool { started && sinksHealthy && !stopped }
        public var isLive: Bool { !stopped }
    }

    private let state = Mutex(Snapshot())

    public init() {}

    public var snapshot: Snapshot { state.withLock { $0 } }

    func update(_ body: (inout Snapshot) -> Void) {
        state.withLock { body(&$0) }
    }
}
