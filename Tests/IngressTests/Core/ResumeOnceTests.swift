import StatusRelayCore
import Synchronization
import Testing

/// The one "resume exactly once" rule: the first value wins wherever it comes from, later ones are
/// ignored, and the waiter gets it whether it arrived before or after.
@Suite("Resume exactly once")
struct ResumeOnceTests {
    @Test func aValueResumedBeforeTheWaiterArrivesIsKept() async {
        let once = ResumeOnce<Int>()
        #expect(!once.isResumed)
        #expect(once.resume(1))
        #expect(once.isResumed)
        #expect(!once.resume(2))
        #expect(await once.value() == 1)
        #expect(!once.resume(3))
    }

    @Test func aWaiterIsResumedByTheFirstValueOnly() async {
        let once = ResumeOnce<Int>()
        let waiter = Task { await once.value() }
        // Most likely the waiter suspends first (the other order is the test above).
        try? await Task.sleep(for: .milliseconds(50))
        #expect(once.resume(7))
        #expect(!once.resume(8))
        #expect(await waiter.value == 7)
    }

    /// Many racers (an ack, a deadline sweep, a cancellation) resume at once: exactly one wins and
    /// its value is the one delivered; no continuation is resumed twice (that would trap).
    @Test func concurrentResumesHaveExactlyOneWinner() async {
        for round in 0..<200 {
            let once = ResumeOnce<Int>()
            let waiter = Task { await once.value() }
            let winners = await withTaskGroup(of: Int?.self) { group in
                for racer in 0..<8 {
                    group.addTask { once.resume(racer) ? racer : nil }
                }
                var winners: [Int] = []
                for await winner in group { if let winner { winners.append(winner) } }
                return winners
            }
            #expect(winners.count == 1, "round \(round): \(winners)")
            #expect(await waiter.value == winners.first)
        }
    }

    /// Cancellation is one more racer: it resumes the waiter at once, and the result that comes
    /// later is ignored.
    @Test func cancellationResumesTheWaiterAndTheLateResultIsIgnored() async {
        let once = ResumeOnce<Int?>()
        let waiter = Task {
            await withTaskCancellationHandler {
                await once.value()
            } onCancel: {
                once.resume(nil)
            }
        }
        waiter.cancel()
        #expect(await waiter.value == nil)
        #expect(!once.resume(42))
    }
}
