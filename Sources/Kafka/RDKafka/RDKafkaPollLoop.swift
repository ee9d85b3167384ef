import Foundation
import Synchronization

/// A dedicated OS thread that calls `body` until stopped, then `onExit`. Used for the blocking librdkafka
/// poll calls, which must never run on the cooperative pool.
final class RDKafkaPollLoop: Sendable {
    private struct State {
        var stopRequested = false
        var exited = false
        var waiters: [CheckedContinuation<Void, Never>] = []
    }

    private let state = Mutex(State())

    /// Starts the thread. `body` should block for a short while (e.g. a 100 ms poll) and return whether
    /// to go on.
    init(name: String, body: @escaping @Sendable () -> Bool, onExit: @escaping @Sendable () -> Void) {
        let thread = Thread { [self] in
            while !self.isStopRequested {
                if !body() { self.requestStop() }
            }
            onExit()
            let waiters = self.state.withLock { state in
                state.exited = true
                defer { state.waiters = [] }
                return state.waiters
            }
            for waiter in waiters { waiter.resume() }
        }
        thread.name = name
        thread.start()
    }

    var isStopRequested: Bool { state.withLock { $0.stopRequested } }

    /// Asks the loop to finish after the current `body` call. Returns false when it was already asked.
    @discardableResult
    func requestStop() -> Bool {
        state.withLock { state in
            defer { state.stopRequested = true }
            return !state.stopRequested
        }
    }

    /// Waits until `onExit` has returned.
    func waitForExit() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let done = state.withLock { state in
                if state.exited { return true }
                state.waiters.append(continuation)
                return false
            }
            if done { continuation.resume() }
        }
    }
}
