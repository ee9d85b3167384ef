@testable import Consumer
import Testing

@Suite struct HandOverPolicyTests {
    let policy = HandOverPolicy(maxBatchSize: 100)

    @Test func anIdleWriterGetsWhatWasReleasedAtEveryTick() {
        #expect(policy.atTick(pending: 1, waitingBatches: 0, checkpointDue: false))
        #expect(!policy.atTick(pending: 0, waitingBatches: 0, checkpointDue: false))
    }

    @Test func releasedEventsGatherWhileABatchWaitsForTheWriter() {
        #expect(!policy.atTick(pending: 1, waitingBatches: 1, checkpointDue: false))
        #expect(!policy.atTick(pending: 99, waitingBatches: 2, checkpointDue: false))
        #expect(policy.atTick(pending: 100, waitingBatches: 2, checkpointDue: false))
        #expect(!policy.afterRelease(pending: 99))
        #expect(policy.afterRelease(pending: 100))
    }

    @Test func aDueCheckpointIsHandedOverEvenWithNothingReleased() {
        #expect(policy.atTick(pending: 0, waitingBatches: 0, checkpointDue: true))
    }

    /// A writer that is behind gets full batches: a due checkpoint waits for the next one.
    @Test func aDueCheckpointRidesOnTheNextFullBatchWhileOneWaits() {
        #expect(!policy.atTick(pending: 0, waitingBatches: 1, checkpointDue: true))
        #expect(!policy.atTick(pending: 50, waitingBatches: 2, checkpointDue: true))
        #expect(policy.atTick(pending: 100, waitingBatches: 2, checkpointDue: true))
    }

    @Test func theQueueCountsTheBatchesWaitingForTheReceiver() async {
        let queue = BoundedAsyncQueue<Int>(capacity: 2)
        #expect(queue.count == 0)
        await queue.send(1)
        await queue.send(2)
        #expect(queue.count == 2)
        _ = await queue.next()
        #expect(queue.count == 1)
    }
}
