@testable import Kafka
import Testing

/// The consumer buffer's two-step backpressure: the poll thread waits first, fetching pauses only
/// when the reader has stopped.
@Suite struct ConsumerStateMachineTests {
    private let partition = KafkaTopicPartition(topic: "t", partition: 0)

    private func message(_ offset: Int64) -> KafkaConsumerMessage {
        KafkaConsumerMessage(topic: "t", partition: 0, offset: offset, key: nil, value: [], headers: [], timestampMs: nil)
    }

    @Test func pollerWaitsAtTheLimitAndIsWokenOnceTheReaderDrainedHalf() {
        var machine = KafkaConsumer.StateMachine(maxBufferedMessages: 4)
        _ = machine.assigned([partition])
        for offset in 0..<3 { _ = machine.received([message(Int64(offset))]) }
        let waitsAt3 = machine.pollerShouldWait()
        #expect(!waitsAt3)
        _ = machine.received([message(3)])
        let waitsAt4 = machine.pollerShouldWait()
        #expect(waitsAt4, "full at 4")

        var batch: [KafkaConsumerMessage] = []
        let first = machine.take(upTo: 1, into: &batch)
        #expect(!first.wakePoller, "3 left: above half")
        let change = machine.take(upTo: 1, into: &batch)
        #expect(change.wakePoller, "2 left: half drained")
        #expect(change.pause.isEmpty && change.resume.isEmpty, "never paused")
        let last = machine.take(upTo: 2, into: &batch)
        #expect(!last.wakePoller, "woken once")
        #expect(batch.map(\.offset) == [0, 1, 2, 3])
    }

    @Test func aPolledBatchIsBufferedInOrderAndTakenWhole() {
        var machine = KafkaConsumer.StateMachine(maxBufferedMessages: 4)
        _ = machine.assigned([partition])
        _ = machine.received((0..<4).map { message($0) })
        let waits = machine.pollerShouldWait()
        #expect(waits, "a batch counts toward the limit")
        var batch: [KafkaConsumerMessage] = []
        let change = machine.take(upTo: 10, into: &batch)
        #expect(batch.map(\.offset) == [0, 1, 2, 3])
        #expect(change.wakePoller, "drained")
        let left = machine.bufferedCount
        #expect(left == 0)
        _ = machine.received([message(4), message(5)])
        var next: [KafkaConsumerMessage] = []
        _ = machine.take(upTo: 1, into: &next)
        _ = machine.take(upTo: 1, into: &next)
        #expect(next.map(\.offset) == [4, 5])
        // After the record a waiting reader got, the rest joins it in order.
        _ = machine.received([message(7), message(8)])
        var afterFirst = [message(6)]
        _ = machine.take(upTo: 5, into: &afterFirst)
        #expect(afterFirst.map(\.offset) == [6, 7, 8])
    }

    @Test func fetchingPausesOnlyAtTwiceTheLimitAndResumesAtHalf() {
        var machine = KafkaConsumer.StateMachine(maxBufferedMessages: 4)
        _ = machine.assigned([partition])
        for offset in 0..<7 {
            let (_, change) = machine.received([message(Int64(offset))])
            #expect(change.pause.isEmpty, "offset \(offset)")
        }
        let (_, full) = machine.received([message(7)])
        #expect(full.pause == [partition], "8 buffered: the reader stopped")
        var batch: [KafkaConsumerMessage] = []
        let threeLeft = machine.take(upTo: 5, into: &batch)
        #expect(threeLeft.resume.isEmpty, "3 left")
        let twoLeft = machine.take(upTo: 1, into: &batch)
        #expect(twoLeft.resume == [partition], "2 left")
    }

    @Test func aPartitionTheCallerPausedStaysPaused() {
        var machine = KafkaConsumer.StateMachine(maxBufferedMessages: 2)
        _ = machine.assigned([partition, KafkaTopicPartition(topic: "t", partition: 1)])
        _ = machine.pause([partition])
        for offset in 0..<3 { _ = machine.received([message(Int64(offset))]) }
        let (_, full) = machine.received([message(3)])
        #expect(full.pause == [KafkaTopicPartition(topic: "t", partition: 1)])
        var batch: [KafkaConsumerMessage] = []
        let drained = machine.take(upTo: 3, into: &batch)
        #expect(drained.resume == [KafkaTopicPartition(topic: "t", partition: 1)])
    }
}
