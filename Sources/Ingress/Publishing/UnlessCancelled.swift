import Synchronization

/// Runs `operation` in its own task and returns its result, or nil as soon as the caller is
/// cancelled (the operation keeps running). Used where a Kafka send must not hold up shutdown.
func unlessCancelled<T: Sendable>(_ operation: @escaping @Sendable () async -> T) async -> T? {
    let box = CancellableResume<T>()
    return await withTaskCancellationHandler {
        await withCheckedContinuation { continuation in
            let cancelled = box.state.withLock { state in
                if !state.cancelled { state.continuation = continuation }
                return state.cancelled
            }
            if cancelled {
                continuation.resume(returning: nil)
                return
            }
            Task { box.resume(await operation()) }
        }
    } onCancel: {
        box.state.withLock { $0.cancelled = true }
        box.resume(nil)
    }
}

final class CancellableResume<T: Sendable>: Sendable {
    let state = Mutex<(continuation: CheckedContinuation<T?, Never>?, cancelled: Bool)>((nil, false))

    func resume(_ value: T?) {
        let continuation = state.withLock { state in
            defer { state.continuation = nil }
            return state.continuation
        }
        continuation?.resume(returning: value)
    }
}
