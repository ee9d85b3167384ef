import DequeModule
import Synchronization

/// One holder per key at a time, waiters served in arrival order: the HTTP sink holds a message's
/// key while it delivers that message's events, so concurrent writes never reorder one message.
final class KeyedGate: Sendable {
    private struct Waiter {
        var id: UInt64
        var continuation: CheckedContinuation<Void, any Error>
    }

    private struct State {
        var held: Set<String> = []
        var waiters: [String: Deque<Waiter>] = [:]
        var nextID: UInt64 = 0
    }

    private let state = Mutex(State())

    func acquire(_ key: String) async throws {
        let id = state.withLock { state -> UInt64 in
            state.nextID += 1
            return state.nextID
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let resumeNow: Result<Void, any Error>? = state.withLock { state in
                    if Task.isCancelled { return .failure(CancellationError()) }
                    if state.held.insert(key).inserted { return .success(()) }
                    state.waiters[key, default: []].append(Waiter(id: id, continuation: continuation))
                    return nil
                }
                if let resumeNow { continuation.resume(with: resumeNow) }
            }
        } onCancel: {
            let cancelled = state.withLock { state -> CheckedContinuation<Void, any Error>? in
                guard var queue = state.waiters[key], let index = queue.firstIndex(where: { $0.id == id }) else {
                    return nil
                }
                let waiter = queue.remove(at: index)
                state.waiters[key] = queue.isEmpty ? nil : queue
                return waiter.continuation
            }
            cancelled?.resume(throwing: CancellationError())
        }
    }

    /// Hands the key to the next waiter, or frees it.
    func release(_ key: String) {
        let next = state.withLock { state -> CheckedContinuation<Void, any Error>? in
            guard var queue = state.waiters[key], !queue.isEmpty else {
                state.held.remove(key)
                return nil
            }
            let waiter = queue.removeFirst()
            state.waiters[key] = queue.isEmpty ? nil : queue
            return waiter.continuation
        }
        next?.resume()
    }
}
