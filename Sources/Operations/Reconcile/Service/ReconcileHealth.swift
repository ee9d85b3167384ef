import Synchronization

/// What `/healthz` and `/readyz` of `--every` report: live while the service runs; ready once a
/// pass ended without stopping, and not ready while the last pass stopped (the reason is shown).
package final class ReconcileHealth: Sendable {
    package struct Snapshot: Sendable, Hashable {
        package var running = true
        package var passes = 0
        /// Why the last pass stopped (no secret in it), or nil when it ended normally.
        package var lastFailure: String?

        package var isReady: Bool { running && passes > 0 && lastFailure == nil }
    }

    private let state = Mutex(Snapshot())

    package init() {}

    package var snapshot: Snapshot { state.withLock { $0 } }

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
