import StatusRelayCore

/// Runs `operation` in its own task and returns its result, or nil as soon as the caller is
/// cancelled (the operation keeps running). Used where a Kafka send must not hold up shutdown.
func unlessCancelled<T: Sendable>(_ operation: @escaping @Sendable () async -> T) async -> T? {
    let outcome = ResumeOnce<T?>()
    return await withTaskCancellationHandler {
        // Already cancelled: the handler ran first and resumed nil; the operation is not started.
        if !outcome.isResumed { Task { outcome.resume(await operation()) } }
        return await outcome.value()
    } onCancel: {
        outcome.resume(nil)
    }
}
