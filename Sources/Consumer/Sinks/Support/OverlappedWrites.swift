import Synchronization

/// One write of a sink in flight while the consumer prepares the next batch (see `EventSink.flush`).
///
/// A sink calls ``settle(using:)`` before it starts new work and in `flush`: it waits for the work
/// in flight and, if that failed, does what it left over again before anything newer, throwing
/// while that fails. So nothing accepted is dropped, order is kept, and at most one batch plus the
/// leftover of a failed one is held. Calls must not overlap (the consumer's writer is sequential).
final class OverlappedWrites<Work: Sendable>: Sendable {
    /// Does `work`; returns nil once it is durable, or what is left to do and why it stopped.
    typealias Perform = @Sendable (Work) async -> (left: Work, error: SinkError)?

    private struct State {
        var inFlight: Task<(left: Work, error: SinkError)?, Never>?
        var leftover: Work?
    }

    private let state = Mutex(State())

    init() {}

    /// Waits for the work in flight, then redoes what a failure left; throws while that fails.
    func settle(using perform: Perform) async throws {
        if let task = state.withLock({ state in defer { state.inFlight = nil }; return state.inFlight }),
            let failure = await task.value
        {
            state.withLock { $0.leftover = failure.left }
        }
        guard let leftover = state.withLock({ $0.leftover }) else { return }
        if let failure = await perform(leftover) {
            state.withLock { $0.leftover = failure.left }
            throw failure.error
        }
        state.withLock { $0.leftover = nil }
    }

    /// Starts `work` in the background. Call ``settle(using:)`` first: only one may be in flight.
    func start(_ work: Work, using perform: @escaping Perform) {
        let task = Task { await perform(work) }
        state.withLock { state in
            precondition(state.inFlight == nil && state.leftover == nil, "start without settle")
            state.inFlight = task
        }
    }
}
