import Synchronization

/// Spaces requests to Twilio: an optional requests-per-second limit, and a shared pause after a
/// 429/503 so that the other in-flight workers back off too instead of hammering on.
final class RequestPacer: Sendable {
    private struct State {
        /// Earliest start of the next request under the rate limit (ContinuousClock instant).
        var nextSlot: ContinuousClock.Instant
        /// No request starts before this (set by throttling answers).
        var pausedUntil: ContinuousClock.Instant
    }

    private let interval: Duration?
    private let state: Mutex<State>

    init(maxRequestsPerSecond: Double?) {
        if let rate = maxRequestsPerSecond, rate > 0 {
            interval = .nanoseconds(Int64(1_000_000_000 / rate))
        } else {
            interval = nil
        }
        let now = ContinuousClock.now
        state = Mutex(State(nextSlot: now, pausedUntil: now))
    }

    /// Waits until this request may start.
    func acquire() async throws {
        let wait: Duration = state.withLock { state in
            let now = ContinuousClock.now
            var start = max(now, state.pausedUntil)
            if let interval {
                start = max(start, state.nextSlot)
                state.nextSlot = start + interval
            }
            return start - now
        }
        if wait > .zero { try await Task.sleep(for: wait) }
    }

    /// Holds every request back for `duration` from now (a 429 or 503 was answered).
    func pause(for duration: Duration) {
        state.withLock { state in
            state.pausedUntil = max(state.pausedUntil, ContinuousClock.now + duration)
        }
    }
}
