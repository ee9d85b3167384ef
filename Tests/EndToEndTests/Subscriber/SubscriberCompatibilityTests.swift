import Foundation
import Kafka
import Operations
import StatusEvents
import Testing
import TestSupport

/// The analytics-subscriber contract, checked by an independent client: the example subscriber
/// (Python confluent-kafka, scripts/examples/subscriber.py) reads the raw topic and the ordered
/// stream the consumer's `kafka:` sink writes, and validates every record against the committed
/// JSON Schemas with `jsonschema`, plus the CloudEvents headers, keys and per-message order.
@Suite("Subscriber compatibility")
struct SubscriberCompatibilityTests {
    struct Summary: Decodable {
        var records: Int
        var invalid: Int
        var duplicates: Int
        var order_violations: Int
        var messages: Int
        var problems: [Problem]

        struct Problem: Decodable {
            var partition: Int
            var offset: Int
            var problems: [String]
        }
    }

    static var repoRoot: String { TestEnvironment.repoRoot }

    /// Runs the example subscriber until it read `expected` records (or went idle); returns its
    /// exit status and summary.
    func subscribe(topic: String, schema: String, expected: Int) async throws -> (ChildProcess.Termination, Summary, String) {
        var arguments = [
            "\(Self.repoRoot)/scripts/examples/subscriber.py", "--brokers", try TestEnvironment.brokers, "--topic", topic,
            "--schema", "\(Self.repoRoot)/config/schema/\(schema)", "--max-records", "\(expected)",
            "--idle-timeout", "30", "--require-records", "--quiet",
        ]
        for (key, value) in TestEnvironment.consumerTuning.sorted(by: { $0.key < $1.key }) {
            arguments += ["-X", "\(key)=\(value)"]
        }
        let process = try ChildProcess(try TestEnvironment.python, arguments: arguments)
        let status = try await process.waitForExit(timeout: .seconds(180))
        let output = process.output()
        let last = output.split(separator: "\n").last { $0.hasPrefix("{") }.map(String.init) ?? ""
        let summary = try JSONDecoder().decode(Summary.self, from: Data(last.utf8))
        return (status, summary, output)
    }

    @Test("raw topic and ordered stream validate against the committed schemas")
    func rawAndOrdered() async throws {
        let raw = try await TestKafka.makeTopic("subscriber", partitions: 3)
        let ordered = raw + ".ordered"
        try await TestKafka.createTopic(ordered, partitions: 3)
        let start = Int64(Date().timeIntervalSince1970 * 1000) - 3_600_000
        var events = ReplayTestSupport.events(messages: 150, start: start, seed: 21)
        events += events.prefix(10)  // duplicate deliveries stay on the raw topic only
        try await ReplayTestSupport.produce(events, to: raw)

        // The ordered stream, written by the consumer's kafka: sink through the reorder pipeline.
        let result = try await ReplayTestSupport.replay(
            ReplayTestSupport.configuration(topic: raw, from: .earliest, sinks: ["kafka:" + ordered])
        )
        #expect(result.duplicates == 10)
        let orderedCount = Int(result.released)
        #expect(orderedCount == events.count - 10)

        let (rawStatus, rawSummary, rawOutput) = try await subscribe(topic: raw, schema: "status-event.v1.json", expected: events.count)
        #expect(rawStatus == .exited(0), "\(rawOutput.suffix(3000))")
        #expect(rawSummary.records == events.count)
        #expect(rawSummary.invalid == 0, "\(rawSummary.problems.prefix(3).map(\.problems))")
        #expect(rawSummary.duplicates == 10)

        let (orderedStatus, orderedSummary, orderedOutput) = try await subscribe(
            topic: ordered, schema: "status-event-ordered.v1.json", expected: orderedCount
        )
        #expect(orderedStatus == .exited(0), "\(orderedOutput.suffix(3000))")
        #expect(orderedSummary.records == orderedCount)
        #expect(orderedSummary.invalid == 0, "\(orderedSummary.problems.prefix(3).map(\.problems))")
        #expect(orderedSummary.duplicates == 0)
        #expect(orderedSummary.order_violations == 0)
        #expect(orderedSummary.messages == 150)
    }

    @Test("the validator rejects a record that breaks the contract (negative control)")
    func rejectsInvalid() async throws {
        let topic = try await TestKafka.makeTopic("subscriber-bad", partitions: 1)
        let start = Int64(Date().timeIntervalSince1970 * 1000)
        let good = ReplayTestSupport.events(messages: 1, start: start, seed: 22)[0]
        var bad = good
        bad.statusRank = nil
        bad.id = "not-a-sha256"
        try await ReplayTestSupport.produce([good, bad], to: topic)
        let (status, summary, output) = try await subscribe(topic: topic, schema: "status-event.v1.json", expected: 2)
        #expect(status == .exited(1), "\(output.suffix(2000))")
        #expect(summary.records == 2)
        #expect(summary.invalid == 1)
        #expect(summary.problems.first?.problems.contains { $0.contains("schema") } == true)
    }

    @Test("the ordered-stream schema is the event schema plus the five ordering keys")
    func schemasInStep() throws {
        func load(_ name: String) throws -> [String: Any] {
            let data = try Data(contentsOf: URL(fileURLWithPath: "\(Self.repoRoot)/config/schema/\(name)"))
            return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        }
        let event = try load("status-event.v1.json")
        let ordered = try load("status-event-ordered.v1.json")
        let eventProperties = try #require(event["properties"] as? [String: Any])
        var orderedProperties = try #require(ordered["properties"] as? [String: Any])
        let extra = ["sequence", "late", "topic", "partition", "offset"]
        for key in extra { #expect(orderedProperties.removeValue(forKey: key) != nil) }
        #expect(Set(orderedProperties.keys) == Set(eventProperties.keys))
        for (key, value) in eventProperties {
            #expect(NSDictionary(dictionary: ["v": value]).isEqual(to: ["v": orderedProperties[key] as Any]), "\(key) differs")
        }
        #expect((ordered["required"] as? [String]) == ((event["required"] as? [String]) ?? []) + extra)
        #expect((ordered["additionalProperties"] as? Bool) == false)
    }
}
