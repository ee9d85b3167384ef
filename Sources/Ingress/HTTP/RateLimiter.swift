import Synchronization

/// Optional cap on callbacks per second across the process (429 beyond it). A rate of 0 disables it.
final class RateLimiter: Sendable {
    private let enabled: Bool
    private let bucket: Mutex<TokenBucket>

    /// `burst` 0 means one second's worth of requests (at least 1).
    init(requestsPerSecond: Double, burst: Int) {
        enabled = requestsPerSecond > 0
        let size = burst > 0 ? burst : max(1, Int(requestsPerSecond.rounded(.up)))
        bucket = Mutex(TokenBucket(rate: enabled ? requestsPerSecond : 1, burst: size, now: .now))
    }

    /// nil when the request may proceed, else the Retry-After seconds.
    func acquire() -> Int? {
        guard enabled else { return nil }
        let now = ContinuousClock.now
        return bucket.withLock { bucket in bucket.tryTake(now: now) ? nil : bucket.secondsUntilNextToken }
    }
}
