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
        outcomes.append(machine.sendCompleted(.failure(timedOut), now: start))
        outcomes.append(machine.sendCompleted(.failure(timedOut), now: start + .seconds(1)))
        // Three in a row, but within the window: not yet.
        outcomes.append(machine.sendCompleted(.failure(timedOut), now: start + .seconds(2)))
        outcomes.append(machine.sendCompleted(.failure(timedOut), now: start + .seconds(11)))
        // Only one replacement at a time.
        outcomes.append(machine.sendCompleted(.failure(timedOut), now: start + .seconds(12)))
        machine.replacementEnded(replaced: true)
        // Counting starts afresh after a replacement.
        outcomes.append(machine.sendCompleted(.failure(timedOut), now: start + .seconds(13)))
        #expect(outcomes == [nil, nil, nil, .stalled, nil, nil])
    }

    @Test func successResetsAndFatalReplacesAtOnce() {
        var machine = KafkaProducer.StateMachine(stallThreshold: 2, stallWindow: .zero)
        let now = ContinuousClock.now
        var outcomes: [KafkaProducer.StateMachine.ReplaceReason?] = []
        outcomes.append(machine.sendCompleted(.failure(timedOut), now: now))
        outcomes.append(machine.sendCompleted(.success(report), now: now))
        outcomes.append(machine.sendCompleted(.failure(timedOut), now: now))
        outcomes.append(machine.sendCompleted(.failure(fenced), now: now))
        machine.replacementEnded(replaced: false)
        let closing = machine.beginClosing()
        // No replacement once shutting down.
        outcomes.append(machine.sendCompleted(.failure(fenced), now: now))
        let closingAgain = machine.beginClosing()
        #expect(outcomes == [nil, nil, nil, .fatal, nil])
        #expect(closing && !closingAgain)
    }
}
