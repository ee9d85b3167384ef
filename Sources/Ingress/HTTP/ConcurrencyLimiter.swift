import Synchronization

/// Optional cap on callbacks processed at once (429 beyond it). Limit 0 disables it.
final class ConcurrencyLimiter: Sendable {
    private let limit: Int
    private let inFlight = Atomic<Int>(0)

    init(limit: Int) { self.limit = limit }

    /// True when the caller may proceed; it must then call `release()`.
    func tryAcquire() -> Bool {
        guard limit > 0 else { return true }
        let now = inFlight.wrappingAdd(1, ordering: .relaxed).newValue
        if now > limit {
            inFlight.wrappingSubtract(1, ordering: .relaxed)
            return false
        }
        return true
    }

    func release() {
        guard limit > 0 else { return }
        inFlight.wrappingSubtract(1, ordering: .relaxed)
    }
}
