@testable import Kafka
import Testing

@Suite struct ProducerStateMachineTests {
    private let report = KafkaDeliveryReport(topic: "t", partition: 0, offset: 1)
    private let timedOut = KafkaError(code: .timedOut, message: "timed out", isRetriable: true)
    private let fenced = KafkaError(code: .fatal, message: "fenced", isFatal: true)

    @Test func stallNeedsConsecutiveTimeoutsOverTheWindow() {
        var machine = KafkaProducer.StateMachine(stallThreshold: 3, stallWindow: .seconds(10))
        let start = ContinuousClock.now
        var outcomes: [KafkaProducer.StateMachine.ReplaceReason?] = []
        outcomes.append(machine.sendCompleted(.failure(timedOut), generation: 1, now: start))
        outcomes.append(machine.sendCompleted(.failure(timedOut), generation: 1, now: start + .seconds(1)))
        // Three in a row, but within the window: not yet.
        outcomes.append(machine.sendCompleted(.failure(timedOut), generation: 1, now: start + .seconds(2)))
        outcomes.append(machine.sendCompleted(.failure(timedOut), generation: 1, now: start + .seconds(11)))
        // Only one replacement at a time.
        outcomes.append(machine.sendCompleted(.failure(timedOut), generation: 1, now: start + .seconds(12)))
        machine.replacementEnded(newGeneration: 2)
        // Counting starts afresh after a replacement.
        outcomes.append(machine.sendCompleted(.failure(timedOut), generation: 2, now: start + .seconds(13)))
        #expect(outcomes == [nil, nil, nil, .stalled, nil, nil])
    }

    @Test func successResetsAndFatalReplacesAtOnce() {
        var machine = KafkaProducer.StateMachine(stallThreshold: 2, stallWindow: .zero)
        let now = ContinuousClock.now
        var outcomes: [KafkaProducer.StateMachine.ReplaceReason?] = []
        outcomes.append(machine.sendCompleted(.failure(timedOut), generation: 1, now: now))
        outcomes.append(machine.sendCompleted(.success(report), generation: 1, now: now))
        outcomes.append(machine.sendCompleted(.failure(timedOut), generation: 1, now: now))
        outcomes.append(machine.sendCompleted(.failure(fenced), generation: 1, now: now))
        machine.replacementEnded(newGeneration: nil)
        let closing = machine.beginClosing()
        // No replacement once shutting down.
        outcomes.append(machine.sendCompleted(.failure(fenced), generation: 1, now: now))
        let closingAgain = machine.beginClosing()
        #expect(outcomes == [nil, nil, nil, .fatal, nil])
        #expect(closing && !closingAgain)
    }

    @Test func outcomesOfReplacedHandlesAreIgnored() {
        var machine = KafkaProducer.StateMachine(stallThreshold: 1, stallWindow: .zero)
        let now = ContinuousClock.now
        #expect(machine.sendCompleted(.failure(fenced), generation: 1, now: now) == .fatal)
        machine.replacementEnded(newGeneration: 2)
        // Late failures from the fenced handle must not retire its healthy successor.
        #expect(machine.sendCompleted(.failure(fenced), generation: 1, now: now) == nil)
        #expect(machine.sendCompleted(.failure(timedOut), generation: 1, now: now) == nil)
        #expect(machine.fatalErrorRaised(generation: 1) == nil)
        #expect(machine.fatalErrorRaised(generation: 2) == .fatal)
        // One replacement at a time, however many sends report it.
        #expect(machine.sendCompleted(.failure(fenced), generation: 2, now: now) == nil)
        #expect(machine.generation == 2)
    }

    @Test func sendsCaughtOnADyingHandleAreResent() {
        var machine = KafkaProducer.StateMachine(stallWindow: .seconds(1))
        let purged = KafkaError(code: .purged, message: "purged")
        let rejected = KafkaError(code: .authentication, message: "denied")
        // A fatal handle: its sends go again on the next handle.
        #expect(machine.shouldResend(after: fenced, generation: 1) == true)
        // Purged while the handle is healthy: not ours to retry.
        #expect(machine.shouldResend(after: purged, generation: 1) == false)
        #expect(machine.shouldResend(after: timedOut, generation: 1) == false)
        #expect(machine.shouldResend(after: rejected, generation: 1) == false)
        _ = machine.sendCompleted(.failure(fenced), generation: 1, now: .now)
        #expect(machine.shouldResend(after: purged, generation: 1) == true)
        machine.replacementEnded(newGeneration: 2)
        #expect(machine.shouldResend(after: purged, generation: 1) == true)
        #expect(machine.shouldResend(after: purged, generation: 2) == false)
        // Shutting down: the records stay failed (the ingress keeps them in its spool).
        _ = machine.beginClosing()
        #expect(machine.shouldResend(after: fenced, generation: 2) == false)
        #expect(machine.shouldResend(after: purged, generation: 1) == false)
    }
}
