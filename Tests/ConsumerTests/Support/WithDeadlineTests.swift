import Synchronization
import Testing

@testable import Consumer

/// `withDeadline`: the first of the operation, the timer and the caller's cancellation decides, once.
@Suite("withDeadline")
struct WithDeadlineTests {
    struct TimedOut: Error {}

    @Test func theOperationsResultWinsBeforeTheDeadline() async throws {
        let value = try await withDeadline(.seconds(60), onTimeout: { TimedOut() }) { 42 }
        #expect(value == 42)
    }

    @Test func theDeadlineWinsAndCancelsTheOperation() async {
        let cancelled = Mutex(false)
        await #expect(throws: TimedOut.self) {
            try await withDeadline(.milliseconds(20), onTimeout: { TimedOut() }) {
                do { try await Task.sleep(for: .seconds(3600)) } catch { cancelled.withLock { $0 = true } }
                return 0
            }
        }
        // The operation is cancelled but not awaited.
        for _ in 0..<500 where !cancelled.withLock({ $0 }) { try? await Task.sleep(for: .milliseconds(10)) }
        #expect(cancelled.withLock { $0 })
    }

    @Test func anOperationErrorIsThrownAsIs() async {
        struct Refused: Error {}
        await #expect(throws: Refused.self) {
            try await withDeadline(.seconds(60), onTimeout: { TimedOut() }) { () async throws -> Int in throw Refused() }
        }
    }

    /// A caller cancelled before the call (its handler runs before the operation starts) cancels the
    /// operation too. It used to start the operation and the timer uncancelled, so the caller waited
    /// for the deadline and got the timeout instead.
    @Test func aCallerCancelledBeforehandCancelsTheOperation() async {
        let caller = Task { () -> Result<Int, any Error> in
            withUnsafeCurrentTask { $0?.cancel() }
            do {
                return .success(
                    try await withDeadline(.seconds(10), onTimeout: { TimedOut() }) {
                        try await Task.sleep(for: .seconds(3600))
                        return 1
                    }
                )
            } catch {
                return .failure(error)
            }
        }
        let result = await caller.value
        #expect(throws: CancellationError.self) { try result.get() }
    }
}
