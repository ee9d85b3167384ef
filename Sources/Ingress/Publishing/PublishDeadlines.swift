import NIOCore
import StatusRelayCore
import Synchronization

/// Times out pending Kafka publishes with one repeating sweep instead of a timer per request: a timer per
/// request costs two cross-thread event-loop wakeups (schedule, cancel) on the hot path. Every publish
/// gets the same deadline, so expiry order is arrival order and a FIFO is enough. An entry whose publish
/// already finished stays queued until its deadline; the late `.timedOut` is ignored by `ResumeOnce`.
final class PublishDeadlines: Sendable {
    private typealias Entry = (deadline: NIODeadline, waiter: ResumeOnce<EventPublisher.SendOutcome>)
    private let entries = Mutex(CircularBuffer<Entry>(initialCapacity: 1024))

    /// Deadlines fire up to `resolution` late.
    init(eventLoop: any EventLoop, resolution: TimeAmount = .milliseconds(10)) {
        eventLoop.scheduleRepeatedTask(initialDelay: resolution, delay: resolution) { [weak self] task in
            guard let self else {
                task.cancel()
                return
            }
            self.sweep(now: .now())
        }
    }

    func add(_ waiter: ResumeOnce<EventPublisher.SendOutcome>, deadline: NIODeadline) {
        entries.withLock { $0.append((deadline, waiter)) }
    }

    /// Resumes every waiter whose deadline passed with `.timedOut`.
    func sweep(now: NIODeadline) {
        let expired: [ResumeOnce<EventPublisher.SendOutcome>] = entries.withLock { entries in
            var expired: [ResumeOnce<EventPublisher.SendOutcome>] = []
            while let first = entries.first, first.deadline <= now {
                expired.append(entries.removeFirst().waiter)
            }
            return expired
        }
        for waiter in expired { waiter.resume(.timedOut) }
    }
}
