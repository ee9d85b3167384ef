import DequeModule
import Synchronization

/// A multi-producer, single-consumer async queue with a capacity: `send` suspends while the queue
/// is full, which carries the pipeline's backpressure back to the readers of the Kafka consumer.
final class BoundedAsyncQueue<Element: Sendable>: Sendable {
    private struct State {
        var buffer: Deque<Element> = []
        var finished = false
        var waitingReceiver: CheckedContinuation<Element?, Never>?
        var waitingSenders: Deque<(id: Int, continuation: CheckedContinuation<Bool, Never>)> = []
        var nextSenderID = 0
    }

    private let capacity: Int
    private let state = Mutex(State())

    init(capacity: Int) {
        self.capacity = max(1, capacity)
    }

    /// Enqueues `element`, waiting while the queue is full. Returns false when the queue was finished
    /// (or the task cancelled) before the element could be enqueued.
    @discardableResult
    func send(_ element: Element) async -> Bool {
        if let result = tryEnqueue(element) { return result }

        // Slow path: wait for room, then retry.
        while true {
            let id = state.withLock { state -> Int in
                state.nextSenderID += 1
                return state.nextSenderID
            }
            let proceed = await withTaskCancellationHandler {
                await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
                    let resumeNow: Bool? = state.withLock { state in
                        if state.finished || Task.isCancelled { return false }
                        if state.buffer.count < capacity || state.waitingReceiver != nil { return true }
                        state.waitingSenders.append((id, continuation))
                        return nil
                    }
                    if let resumeNow { continuation.resume(returning: resumeNow) }
                }
            } onCancel: {
                let continuation = state.withLock { state -> CheckedContinuation<Bool, Never>? in
                    guard let index = state.waitingSenders.firstIndex(where: { $0.id == id }) else { return nil }
                    return state.waitingSenders.remove(at: index).continuation
                }
                continuation?.resume(returning: false)
            }
            if !proceed { return false }
            let enqueued = tryEnqueue(element)
            if let enqueued { return enqueued }
        }
    }

    /// Enqueues or hands over to a waiting receiver; nil when full.
    private enum EnqueueAction {
        case done(Bool)
        case handOver(CheckedContinuation<Element?, Never>)
        case full
    }

    private enum ReceiveAction {
        case element(Element?, CheckedContinuation<Bool, Never>?)
        case wait(CheckedContinuation<Bool, Never>?)
    }

    private func tryEnqueue(_ element: Element) -> Bool? {
        let action: EnqueueAction = state.withLock { state in
            if state.finished { return .done(false) }
            if let receiver = state.waitingReceiver {
                state.waitingReceiver = nil
                return .handOver(receiver)
            }
            if state.buffer.count < capacity {
                state.buffer.append(element)
                return .done(true)
            }
            return .full
        }
        switch action {
        case .done(let result): return result
        case .handOver(let receiver):
            receiver.resume(returning: element)
            return true
        case .full: return nil
        }
    }

    /// The next element; nil once the queue is finished and drained. Only one receiver at a time.
    func next() async -> Element? {
        await withCheckedContinuation { (continuation: CheckedContinuation<Element?, Never>) in
            let action: ReceiveAction = state.withLock { state in
                if let element = state.buffer.popFirst() {
                    return .element(element, state.waitingSenders.popFirst()?.continuation)
                }
                if state.finished { return .element(nil, nil) }
                state.waitingReceiver = continuation
                // A sender may be waiting although the buffer is empty (it was full a moment ago).
                return .wait(state.waitingSenders.popFirst()?.continuation)
            }
            switch action {
            case .element(let element, let sender):
                sender?.resume(returning: true)
                continuation.resume(returning: element)
            case .wait(let sender):
                sender?.resume(returning: true)
            }
        }
    }

    /// Ends the queue: pending and later `send`s return false; `next` drains what is buffered, then nil.
    func finish() {
        let (receiver, senders) = state.withLock { state in
            state.finished = true
            let receiver = state.buffer.isEmpty ? state.waitingReceiver : nil
            if receiver != nil { state.waitingReceiver = nil }
            let senders = state.waitingSenders.map(\.continuation)
            state.waitingSenders.removeAll()
            return (receiver, senders)
        }
        receiver?.resume(returning: nil)
        for sender in senders { sender.resume(returning: false) }
    }

    /// Rewrites every buffered element; nil drops it (e.g. records of revoked partitions).
    func transformAll(_ transform: (Element) -> Element?) {
        let senders = state.withLock { state -> [CheckedContinuation<Bool, Never>] in
            state.buffer = Deque(state.buffer.compactMap(transform))
            var woken: [CheckedContinuation<Bool, Never>] = []
            while state.buffer.count + woken.count < capacity, let sender = state.waitingSenders.popFirst() {
                woken.append(sender.continuation)
            }
            return woken
        }
        for sender in senders { sender.resume(returning: true) }
    }

    /// Elements waiting for the receiver.
    var count: Int { state.withLock { $0.buffer.count } }

    /// True once `finish()` was called.
    var isFinished: Bool { state.withLock { $0.finished } }
}
