import Foundation
import HTTPTypes
import HummingbirdTesting
import Ingress
import Kafka
import NIOCore
import StatusEvents
import Testing
import TestSupport

/// Durability when Kafka is away: spooling, draining when it is back, draining after a restart,
/// and 503 when neither can take an event. Each test uses a private broker or none at all.
@Suite struct IngressDurabilityTests {
    /// Sends one signed callback per sid; returns sid -> (status, event id, durable path).
    static func send(_ sids: [String], to harness: IngressHarness) async throws -> [String: (HTTPResponse.Status, String?, String?)] {
        try await harness.withClient { client in
            var results: [String: (HTTPResponse.Status, String?, String?)] = [:]
            for sid in sids {
                let response = try await client.execute(Callback.request(harness, parameters: Callback.parameters(sid: sid)))
                results[sid] = (response.status, response.jsonField("id"), response.jsonField("durable"))
            }
            return results
        }
    }

    static func createTopics(_ topic: String, on brokers: [String]) async throws {
        try await TestKafka.createTopic(topic, bootstrapServers: brokers)
        try await TestKafka.createTopic("\(topic).rejected", bootstrapServers: brokers)
    }

    static func eventIDs(in topic: String, brokers: [String]) async throws -> [String] {
        try await TopicReader.readAll(topic, brokers: brokers).compactMap { TopicReader.header("ce_id", of: $0) }
    }

    @Test func brokerUnreachableCallbacksAreSpooledAndReachTheTopicWhenItIsBack() async throws {
        let broker = try await TestBroker.start()
        let topic = TestEnvironment.uniqueName("paused")
        try await Self.createTopics(topic, on: broker.bootstrapServers)
        let harness = try await IngressHarness.start(
            try IngressHarness.configuration(brokers: broker.bootstrapServers, topic: topic) {
                $0.publisher.kafkaDeadline = .milliseconds(500)
                $0.publisher.degradedHold = .seconds(1)
            }
        )
        // Warm up until the direct path works (the first produce also initialises the idempotent producer).
        try await eventually(timeout: .seconds(60), "Kafka path in use") {
            try await Self.send([Callback.messageSid()], to: harness).values.first?.2 == "kafka"
        }
        let before = try await Self.send((0..<5).map { _ in Callback.messageSid() }, to: harness)
        #expect(before.values.allSatisfy { $0.0 == .ok })

        // Freeze the broker: connections stay open but nothing answers.
        broker.process.signal(SIGSTOP)
        let during = try await Self.send((0..<20).map { _ in Callback.messageSid() }, to: harness)
        #expect(during.values.allSatisfy { $0.0 == .ok && $0.2 == "spool" }, "\(during.values.map { "\($0.0) \($0.2 ?? "-")" })")
        let metrics = try await harness.metricsText()
        #expect(metrics.contains(#"statusrelay_ingress_published_total{path="spool"} "#))

        broker.process.signal(SIGCONT)
        let expected = Set((before.values.compactMap(\.1)) + during.values.compactMap(\.1))
        #expect(expected.count == 25)
        try await eventually(timeout: .seconds(90), "every spooled event on the topic") {
            expected.isSubset(of: Set(try await Self.eventIDs(in: topic, brokers: broker.bootstrapServers)))
        }
        try await eventually(timeout: .seconds(30), "spool drained") {
            try await harness.metricsText().contains("statusrelay_ingress_spool_records 0.0")
        }
        try await harness.stop()
        await broker.stop()
    }

    /// kill -9 of the broker and a restart on the same port, empty (Tansu is in memory: topics and producer
    /// ids are gone, so the broker fences or does not know our idempotent producer). Callbacks get 200
    /// through the spool meanwhile, and after recovery every event accepted since the kill is on the topic,
    /// without restarting the ingress.
    @Test func brokerKilledAndRestartedEmptyEveryLaterCallbackReachesTheNewBroker() async throws {
        let broker = try await TestBroker.start()
        let topic = TestEnvironment.uniqueName("killed")
        try await Self.createTopics(topic, on: broker.bootstrapServers)
        let harness = try await IngressHarness.start(
            try IngressHarness.configuration(brokers: broker.bootstrapServers, topic: topic) {
                $0.publisher.kafkaDeadline = .milliseconds(500)
                $0.publisher.degradedHold = .seconds(1)
            }
        )
        try await eventually(timeout: .seconds(60), "Kafka path in use") {
            try await Self.send([Callback.messageSid()], to: harness).values.first?.2 == "kafka"
        }
        let before = try await Self.send((0..<5).map { _ in Callback.messageSid() }, to: harness)
        #expect(before.values.allSatisfy { $0.0 == .ok && $0.2 == "kafka" })

        await broker.kill()
        let down = try await Self.send((0..<10).map { _ in Callback.messageSid() }, to: harness)
        #expect(down.values.allSatisfy { $0.0 == .ok && $0.2 == "spool" }, "\(down.values.map { "\($0.0) \($0.2 ?? "-")" })")

        let restarted = try await broker.restart()
        defer { restarted.process.kill() }
        try await Self.createTopics(topic, on: restarted.bootstrapServers)
        let back = try await Self.send((0..<10).map { _ in Callback.messageSid() }, to: harness)
        #expect(back.values.allSatisfy { $0.0 == .ok }, "\(back.values.map { "\($0.0) \($0.2 ?? "-")" })")

        // The pre-kill events died with the in-memory broker; everything accepted since must arrive.
        let expected = Set(down.values.compactMap(\.1) + back.values.compactMap(\.1))
        #expect(expected.count == 20)
        try await eventually(timeout: .seconds(120), "every event accepted since the kill on the new broker") {
            expected.isSubset(of: Set(try await Self.eventIDs(in: topic, brokers: restarted.bootstrapServers)))
        }
        try await eventually(timeout: .seconds(30), "spool drained") {
            try await harness.metricsText().contains("statusrelay_ingress_spool_records 0.0")
        }
        // And the direct path works again.
        try await eventually(timeout: .seconds(30), "Kafka path in use again") {
            try await Self.send([Callback.messageSid()], to: harness).values.first?.2 == "kafka"
        }
        try await harness.stop()
        await restarted.stop()
    }

    @Test func restartedIngressDrainsANonEmptySpool() async throws {
        let reserved = try ReservedPort()
        let port = reserved.port
        let brokers = [reserved.address]
        let topic = TestEnvironment.uniqueName("restart")
        let spool = try TestEnvironment.makeTemporaryDirectory("restart-spool")
        let configuration = try IngressHarness.configuration(brokers: brokers, topic: topic, spoolDirectory: spool) {
            $0.publisher.kafkaDeadline = .milliseconds(300)
        }

        // No broker at all: everything is spooled, and stays spooled across a graceful stop.
        let first = try await IngressHarness.start(configuration)
        let sent = try await Self.send((0..<10).map { _ in Callback.messageSid() }, to: first)
        #expect(sent.values.allSatisfy { $0.0 == .ok && $0.2 == "spool" })
        try await first.stop()
        let segments = try FileManager.default.contentsOfDirectory(atPath: spool).filter { $0.hasSuffix(".spool") }
        #expect(!segments.isEmpty)

        // Broker up, new ingress on the same spool: it drains.
        reserved.release()
        let broker = try await TestBroker.start(port: port)
        try await Self.createTopics(topic, on: brokers)
        let second = try await IngressHarness.start(configuration)
        let expected = Set(sent.values.compactMap(\.1))
        #expect(expected.count == 10)
        try await eventually(timeout: .seconds(60), "spooled events on the topic after restart") {
            expected.isSubset(of: Set(try await Self.eventIDs(in: topic, brokers: brokers)))
        }
        try await eventually(timeout: .seconds(30), "segments deleted once acked") {
            try FileManager.default.contentsOfDirectory(atPath: spool).filter { $0.hasSuffix(".spool") }.isEmpty
        }
        try await second.stop()
        await broker.stop()
    }

    @Test func spoolFullAndBrokerDownAnswers503WithRetryAfter() async throws {
        let noBroker = try ReservedPort()
        let brokers = [noBroker.address]
        let harness = try await IngressHarness.start(
            try IngressHarness.configuration(brokers: brokers, topic: TestEnvironment.uniqueName("full")) {
                $0.publisher.kafkaDeadline = .milliseconds(200)
                $0.spool.maxBytes = 4096
                $0.spool.segmentBytes = 2048
            }
        )
        let results = try await harness.withClient { client in
            var statuses: [(HTTPResponse.Status, String?, String?)] = []
            for _ in 0..<10 {
                let response = try await client.execute(Callback.request(harness, parameters: Callback.parameters(sid: Callback.messageSid())))
                statuses.append((response.status, response.jsonField("reason"), response.headers[.retryAfter]))
            }
            return statuses
        }
        let accepted = results.prefix { $0.0 == .ok }
        #expect(accepted.count >= 1)
        #expect(accepted.count < 10)
        // Once full, every later callback is refused with 503 + Retry-After (nothing is half-stored).
        for result in results.dropFirst(accepted.count) {
            #expect(result.0 == .serviceUnavailable)
            #expect(result.1 == "unavailable")
            #expect(result.2 != nil)
        }
        let ready = try await harness.withClient { client in
            try await client.execute(.init("/readyz", method: .get, authority: "127.0.0.1:\(harness.port)"))
        }
        #expect(ready.status == .serviceUnavailable)
        #expect(ready.bodyText.contains(#""kafka":"unreachable""#))
        #expect(ready.bodyText.contains(#""spool":"full""#))
        #expect(try await harness.metricsText().contains("statusrelay_ingress_unavailable_total \(10 - accepted.count)"))
        try await harness.stop()
        withExtendedLifetime(noBroker) {}
    }
}
