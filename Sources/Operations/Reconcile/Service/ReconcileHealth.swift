import Synchronization

/// What `/healthz` and `/readyz` of `--every` report: live while the service runs; ready once a
/// pass ended without stopping, and not ready while the last pass stopped (the reason is shown).
public final class ReconcileHealth: Sendable {
    public struct Snapshot: Sendable, Hashable {
        public var running = true
        public var passes = 0
        /// Why the last pass stopped (no secret in it), or nil when it ended normally.
        public var lastFailure: String?

        public var isReady: Bool { running && passes > 0 && lastFailure == nil }
    }

    private let state = Mutex(Snapshot())

    public init() {}

    public var snapshot: Snapshot { state.withLock { $0 } }

    func passEnded(failure: String?) {
        state.withLock { state in
            state.passes += 1
            state.lastFailure = failure
        }
    }

    func stopped() {
        state.withLock { $0.running = false }
    }
}
