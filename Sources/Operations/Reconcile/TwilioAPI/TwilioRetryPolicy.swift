import Foundation

/// When to try a Twilio request again, and after how long. Pure.
///
/// - 429 (Twilio 20429) and 503: throttled. Wait `Retry-After` (capped at `maxRetryAfter`) or
///   the backoff, whichever is longer, plus jitter; up to `maxThrottledRetries` times, so a storm
///   of 429s delays the run but loses nothing.
/// - other 5xx, timeouts, transport errors, unreadable bodies: exponential backoff with full
///   jitter, `maxAttempts` attempts in all; then the message counts as failed.
/// - 401/403 stop the run; 404 is an answer (the message is gone); other 4xx are not retried.
package struct TwilioRetryPolicy: Sendable, Hashable {
    package var maxAttempts: Int
    package var maxThrottledRetries: Int
    package var initialBackoff: Duration
    package var maxBackoff: Duration
    package var maxRetryAfter: Duration

    package init(
        maxAttempts: Int = 4, maxThrottledRetries: Int = 30, initialBackoff: Duration = .milliseconds(200),
        maxBackoff: Duration = .seconds(10), maxRetryAfter: Duration = .seconds(60)
    ) {
        self.maxAttempts = maxAttempts
        self.maxThrottledRetries = maxThrottledRetries
        self.initialBackoff = initialBackoff
        self.maxBackoff = maxBackoff
        self.maxRetryAfter = maxRetryAfter
    }

    /// What happened on one attempt.
    package enum Failure: Sendable, Hashable {
        /// 429 or 503, with the `Retry-After` header's value if any.
        case throttled(retryAfter: String?)
        /// Another 5xx, a timeout, a transport error or an unreadable body.
        case transient
    }

    /// The wait before the next attempt, or nil when no attempt is left.
    /// - Parameters:
    ///   - attempts: failed attempts of this kind so far, including this one (1 after the first).
    ///   - random: a number in 0..<1 (the jitter).
    package func delay(after failure: Failure, attempts: Int, random: Double) -> Duration? {
        let backoff = self.backoff(attempts: attempts)
        switch failure {
        case .throttled(let retryAfter):
            guard attempts <= maxThrottledRetries else { return nil }
            let told = retryAfter.flatMap(Self.retryAfterSeconds).map { min(Duration.seconds($0), maxRetryAfter) } ?? .zero
            // Never earlier than told; spread the retries of concurrent requests over half a backoff.
            return max(told, backoff / 2) + backoff * (random / 2)
        case .transient:
            guard attempts < maxAttempts else { return nil }
            // Full jitter between half and all of the backoff.
            return backoff / 2 + backoff * (random / 2)
        }
    }

    private func backoff(attempts: Int) -> Duration {
        var value = initialBackoff
        for _ in 1..<max(1, min(attempts, 32)) {
            value = value * 2
            if value >= maxBackoff { return maxBackoff }
        }
        return min(value, maxBackoff)
    }

    /// `Retry-After` as delay-seconds (RFC 9110). An HTTP-date is not used by Twilio; ignored.
    static func retryAfterSeconds(_ text: String) -> Int? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty, trimmed.utf8.count <= 9, trimmed.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) else { return nil }
        return Int(trimmed)
    }
}
