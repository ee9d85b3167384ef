import Synchronization

/// One value handed to one waiter exactly once: the first `resume` wins, whether it comes before or
/// after the waiter arrives, and later ones are ignored. The one way a result races a deadline or a
/// cancellation (`withDeadline`, `unlessCancelled`, the ingress's publish deadline): a continuation
/// resumed twice traps, and one never resumed leaks its task.
package final class ResumeOnce<Value: Sendable>: Sendable {
    private enum State {
        case idle
        case waiting(CheckedContinuation<Value, Never>)
        /// Resumed before anyone waited.
        case resumed(Value)
        case delivered
    }

    private let state = Mutex(State.idle)

    package init() {}

    /// Hands `value` to the waiter, now or when it arrives, unless a value was handed over already.
    /// Returns whether this call won.
    @discardableResult
    package func resume(_ value: Value) -> Bool {
        let (won, waiter): (Bool, CheckedContinuation<Value, Never>?) = state.withLock { state in
            switch state {
            case .idle:
                state = .resumed(value)
                return (true, nil)
            case .waiting(let continuation):
                state = .delivered
                return (true, continuation)
            case .resumed, .delivered:
                return (false, nil)
            }
        }
        waiter?.resume(returning: value)
        return won
    }

    /// Whether a value was handed over (or is waiting to be).
    package var isResumed: Bool {
        state.withLock { state in
            if case .idle = state { return false }
            if case .waiting = state { return false }
            return true
        }
    }

    /// The first value resumed; waits for it. Only one caller may wait, once.
    package func value() async -> Value {
        await withCheckedContinuation { (continuation: CheckedContinuation<Value, Never>) in
            let ready: Value? = state.withLock { state in
                switch state {
                case .idle:
                    state = .waiting(continuation)
                    return nil
                case .resumed(let value):
                    state = .delivered
                    return value
                case .waiting, .delivered:
                    preconditionFailure("ResumeOnce.value() awaited twice")
                }
            }
            if let ready { continuation.resume(returning: ready) }
        }
    }
}
