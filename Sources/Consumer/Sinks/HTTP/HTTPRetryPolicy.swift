import Foundation

/// How the HTTP forwarding sink reacts to a delivery attempt's outcome. Pure logic.
///
/// Retried: connection errors, timeouts, 5xx, 408 and 429 (honouring `Retry-After`), with
/// exponential backoff and jitter, up to `maxAttempts` attempts. Dead-lettered: any other non-2xx
/// status at once, and retriable failures once the attempts are used up.
struct HTTPRetryPolicy: Sendable, Hashable {
    var maxAttempts: Int
    var initialBackoff: Duration
    var maxBackoff: Duration
    var maxRetryAfter: Duration

    enum Outcome: Sendable, Hashable {
        case delivered
        case retry(after: Duration, reason: String)
        case deadLetter(reason: String, detail: String)
    }

    /// What an attempt's result means. `attempt` is 1-based; `status` is nil for a transport error
    /// (`transportError` then describes it).
    func outcome(
        attempt: Int,
        status: Int?,
        retryAfter: String? = nil,
        transportError: String? = nil,
        now: Date = Date(),
        jitter: Double = Double.random(in: 0...1)
    ) -> Outcome {
        let reason: String
        var delay = backoff(attempt: attempt, jitter: jitter)
        switch status {
        case .some(200...299):
            return .delivered
        case .some(let code) where code >= 500 || code == 408 || code == 429:
            reason = "http_\(code)"
            if code == 429 || code == 503, let hinted = Self.retryAfter(retryAfter, now: now) {
                delay = min(hinted, maxRetryAfter)
            }
        case .some(let code):
            return .deadLetter(reason: "http_\(code)", detail: "HTTP \(code) is not retried")
        case .none:
            reason = "transport_error"
        }
        guard attempt < maxAttempts else {
            let what = status.map { "HTTP \($0)" } ?? (transportError ?? "transport error")
            return .deadLetter(
                reason: "retries_exhausted",
                detail: "\(what) after \(attempt) attempt\(attempt == 1 ? "" : "s") (\(reason))"
            )
        }
        return .retry(after: delay, reason: reason)
    }

    /// Exponential backoff with "equal jitter": half of `initial * 2^(attempt-1)` (capped at
    /// `maxBackoff`) plus a random part of the other half, so retries spread out but still wait.
    func backoff(attempt: Int, jitter: Double) -> Duration {
        let exponent = min(max(attempt - 1, 0), 30)
        let base = min(initialBackoff * (1 << exponent), maxBackoff)
        return base / 2 + (base / 2) * min(max(jitter, 0), 1)
    }

    /// `Retry-After` as delay-seconds or an HTTP date; nil when absent or unparseable.
    static func retryAfter(_ value: String?, now: Date) -> Duration? {
        guard let value = value?.trimmingCharacters(in: .whitespaces), !value.isEmpty else { return nil }
        if let seconds = Int(value) { return .seconds(max(seconds, 0)) }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        guard let date = formatter.date(from: value) else { return nil }
        return .milliseconds(max(Int64(date.timeIntervalSince(now) * 1000), 0))
    }
}
