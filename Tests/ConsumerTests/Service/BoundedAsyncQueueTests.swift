@testable import Consumer
import Synchronization
import Testing
import TestSupport

@Suite struct BoundedAsyncQueueTests {
    @Test func deliversInOrderAndSuspendsSendersWhenFull() async throws {
        let queue = BoundedAsyncQueue<Int>(capacity: 4)
        let sent = Atomic<Int>(0)
        let producer = Task {
            for value in 0..<100 {
                guard await queue.send(value) else { return }
                sent.add(1, ordering: .relaxed)
            }
            queue.finish()
        }
        // Nobody receives yet: the producer fills the queue, then stays suspended at the capacity.
        try await eventually(timeout: .seconds(10), "queue filled") { sent.load(ordering: .relaxed) == 4 }
        try await Task.sleep(for: .milliseconds(100))
        #expect(sent.load(ordering: .relaxed) == 4)
        var received: [Int] = []
        while let value = await queue.next() { received.append(value) }
        await producer.value
        #expect(received == Array(0..<100))
    }

    @Test func finishDrainsBufferedThenEndsAndRejectsSends() async {
        let queue = BoundedAsyncQueue<Int>(capacity: 8)
        #expect(await queue.send(1))
        #expect(await queue.send(2))
        queue.finish()
        #expect(await queue.send(3) == false)
        #expect(await queue.next() == 1)
        #expect(await queue.next() == 2)
        #expect(await queue.next() == nil)
    }

    @Test func transformAllDropsAndWakesSenders() async throws {
        let queue = BoundedAsyncQueue<Int>(capacity: 2)
        #expect(await queue.send(1))
        #expect(await queue.send(2))
        let blocked = Task { await queue.send(3) }
        try await Task.sleep(for: .milliseconds(100))
        queue.transformAll { $0 == 1 ? nil : $0 }
        #expect(await blocked.value)
        #expect(await queue.next() == 2)
        #expect(await queue.next() == 3)
    }

    @Test func cancelledSenderGivesUp() async throws {
        let queue = BoundedAsyncQueue<Int>(capacity: 1)
        #expect(await queue.send(1))
        let blocked = Task { await queue.send(2) }
        try await Task.sleep(for: .milliseconds(100))
        blocked.cancel()
        #expect(await blocked.value == false)
        #expect(await queue.next() == 1)
        queue.finish()
        #expect(await queue.next() == nil)
    }
}
