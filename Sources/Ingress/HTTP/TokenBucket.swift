import StatusRelayCore

/// Token bucket: `rate` tokens per second refill up to `burst`; each request takes one. Pure logic, the
/// clock is passed in.
struct TokenBucket: Sendable {
    let rate: Double
    let burst: Double
    private var tokens: Double
    private var last: ContinuousClock.Instant

    /// Starts full, so a fresh process can take a burst at once.
    init(rate: Double, burst: Int, now: ContinuousClock.Instant) {
        precondition(rate > 0 && burst >= 1)
        self.rate = rate
        self.burst = Double(burst)
        self.tokens = Double(burst)
        self.last = now
    }

    /// Takes a token if one is available.
    mutating func tryTake(now: ContinuousClock.Instant) -> Bool {
        if now > last {
            let elapsed = now - last
            tokens = min(burst, tokens + elapsed.seconds * rate)
            last = now
        }
        guard tokens >= 1 else { return false }
        tokens -= 1
        return true
    }

    /// Seconds until the next token (for Retry-After), at least 1.
    var secondsUntilNextToken: Int {
        max(1, Int(((1 - tokens) / rate).rounded(.up)))
    }
}
