import AsyncHTTPClient
import NIOCore
import Foundation
import Kafka
import Logging
import StatusEvents
import Testing
import TestSupport

@testable import Consumer

@Suite("HTTP forwarding sink")
struct HTTPForwardSinkTests {
    /// The Python receiver (scripts/testing/forward_receiver.py), validating signatures with twilio.
    struct Receiver {
        let process: ChildProcess
        let port: Int
        var url: String { "http://127.0.0.1:\(port)/status" }

        static func start(
            authToken: String, p500: Double, p429: Double, seed: Int, retryAfter: Int = 1
        ) async throws -> Receiver {
            let port = try freePort()
            let script = (TestEnvironment.repoRoot as NSString).appendingPathComponent("scripts/testing/forward_receiver.py")
            let process = try ChildProcess(
                try TestEnvironment.python,
                arguments: [
                    script, "--port", String(port), "--auth-token", authToken, "--p500", String(p500), "--p429", String(p429),
                    "--retry-after", String(retryAfter), "--seed", String(seed),
                ]
            )
            try await eventually(timeout: .seconds(30), "forward receiver listening") {
                if let status = process.exitStatus {
                    throw TestEnvironmentError("receiver exited (\(status)): \(process.output().suffix(2000))")
                }
                return isListening(port: port)
            }
            return Receiver(process: process, port: port)
        }

        struct State: Decodable {
            struct Accepted: Decodable {
                var event_id: String
                var message_sid: String
                var message_status: String
                var sequence: Int
                var late: String
                var params: [String: [String]]
            }
            var accepted: [Accepted]
            var attempts: [String: Int]
            var invalid_signatures: Int
            var unreadable: Int
            var violations: [String]
            var responses: [String: Int]
            var attempt_times: [String: [Double]]
            var max_in_flight: Int
        }

        func state() async throws -> State {
            let response = try await HTTPClient.shared.execute(
                HTTPClientRequest(url: "http://127.0.0.1:\(port)/_state"), timeout: .seconds(10)
            )
            let body = try await response.body.collect(upTo: 64 << 20)
            return try JSONDecoder().decode(State.self, from: Data(body.readableBytesView))
        }
    }

    static func configuration(token: String, maxAttempts: Int = 8) -> HTTPForwardSink.Configuration {
        var configuration = HTTPForwardSink.Configuration(authToken: token)
        configuration.maxAttempts = maxAttempts
        configuration.initialBackoff = .milliseconds(20)
        configuration.maxBackoff = .milliseconds(200)
        configuration.maxRetryAfter = .seconds(2)
        configuration.maxConcurrency = 8
        configuration.requestTimeout = .seconds(5)
        return configuration
    }

    /// The receiver fails at random; every event arrives once accepted, re-signed, with its exact
    /// parameters, in order per message; 400s and exhausted retries go to the dead-letter topic.
    @Test func forwardsInOrderWithRetriesAndDeadLetters() async throws {
        let token = "token-\(UUID().uuidString)"
        let receiver = try await Receiver.start(authToken: token, p500: 0.25, p429: 0.06, seed: 42)
        defer { receiver.process.kill() }
        let topic = TestEnvironment.uniqueName("fwd")
        try await SinkKafkaTestSupport.createTopic(topic + ".dlq")

        let normal = (0..<20).map { _ in SinkTestFixtures.messageSid() }
        let rejected = SinkTestFixtures.messageSid()
        let exhausted = SinkTestFixtures.messageSid()
        let throttled = SinkTestFixtures.messageSid()
        var perMessage = normal.map {
            SinkTestFixtures.released($0, ["queued", "sent", "delivered"], topic: topic, extra: [("Tag", "b"), ("Tag", "a")])
        }
        perMessage.append(SinkTestFixtures.released(rejected, ["queued", "sent"], topic: topic, extra: [("TestBehavior", "reject400")]))
        perMessage.append(SinkTestFixtures.released(exhausted, ["queued"], topic: topic, extra: [("TestBehavior", "always500")]))
        let throttledEvents = SinkTestFixtures.released(throttled, ["queued", "sent"], topic: topic, extra: [("TestBehavior", "429once")])
        perMessage.append(throttledEvents)
        // Interleave the messages, keeping each message's order, and split into two batches.
        var interleaved: [ReleasedEvent] = []
        var cursors = perMessage.map { $0[...] }
        while cursors.contains(where: { !$0.isEmpty }) {
            for index in cursors.indices.shuffled() where !cursors[index].isEmpty {
                interleaved.append(cursors[index].removeFirst())
            }
        }
        let firstBatch = Array(interleaved[..<(interleaved.count / 2)])
        let secondBatch = Array(interleaved[(interleaved.count / 2)...])

        // High enough that random failures (31% per attempt) never exhaust a normal event (0.31^12 ≈ 1e-6).
        let maxAttempts = 12
        try await SinkKafkaTestSupport.withProducer { producer in
            var configuration = SinkFactory.Configuration(kafkaProducer: producer)
            configuration.http = Self.configuration(token: token, maxAttempts: maxAttempts)
            let sink = try SinkFactory.makeSink(url: receiver.url, configuration: configuration, logger: Logger(label: "test"))
            try await sink.start()
            try await sink.write(firstBatch)
            try await sink.write(secondBatch)
            try await sink.shutdown()
        }

        let state = try await receiver.state()
        #expect(state.invalid_signatures == 0)
        #expect(state.violations.isEmpty, "\(state.violations)")
        // Retries happened (random 500/429), and still every normal event arrived exactly once.
        #expect((state.responses["500"] ?? 0) > 0)
        let byMessage = Dictionary(grouping: state.accepted, by: \.message_sid)
        for (sid, events) in zip(normal, perMessage) {
            let accepted = byMessage[sid] ?? []
            #expect(accepted.map(\.sequence) == [1, 2, 3], "\(sid)")
            #expect(accepted.map(\.event_id) == events.map(\.event.id))
            #expect(accepted.allSatisfy { $0.late == "false" })
            for (received, sent) in zip(accepted, events) {
                let expected = sent.event.params.mapValues(\.values)
                #expect(received.params == expected)
                #expect(received.params["Tag"] == ["b", "a"])
            }
        }
        #expect(Set(state.accepted.map(\.message_sid)) == Set(normal + [throttled]))
        // The 400s were tried once each, the 500s exactly maxAttempts times.
        for released in perMessage[normal.count] {
            #expect(state.attempts[released.event.id] == 1)
        }
        #expect(state.attempts[perMessage[normal.count + 1][0].event.id] == maxAttempts)

        // 429 with Retry-After: 1 was honoured (the retry came at least a second later), in order.
        #expect(byMessage[throttled]?.map(\.sequence) == [1, 2])
        for released in throttledEvents {
            let times = state.attempt_times[released.event.id] ?? []
            #expect(times.count == 2)
            if times.count == 2 { #expect(times[1] - times[0] >= 0.95, "retried \(times[1] - times[0]) s after a 429 with Retry-After: 1") }
        }

        let dead = try await SinkKafkaTestSupport.readRecords(topic: topic + ".dlq", count: 3)
        #expect(dead.count == 3)
        let reasons = dead.map { SinkKafkaTestSupport.header($0, "statusrelay-dlq-reason") }
        #expect(reasons == ["http_400", "http_400", "retries_exhausted"] || Set(reasons) == ["http_400", "retries_exhausted"])
        let rejectedRecords = dead.filter { $0.key.map { String(decoding: $0, as: UTF8.self) } == rejected }
        #expect(rejectedRecords.map { SinkKafkaTestSupport.header($0, "statusrelay-sequence") } == ["1", "2"])
        #expect(rejectedRecords.allSatisfy { SinkKafkaTestSupport.header($0, "statusrelay-dlq-reason") == "http_400" })
        let exhaustedRecord = try #require(dead.first { $0.key.map { String(decoding: $0, as: UTF8.self) } == exhausted })
        #expect(SinkKafkaTestSupport.header(exhaustedRecord, "statusrelay-dlq-reason") == "retries_exhausted")
        #expect(SinkKafkaTestSupport.header(exhaustedRecord, "statusrelay-dlq-attempts") == String(maxAttempts))
        #expect(SinkKafkaTestSupport.header(exhaustedRecord, "statusrelay-dlq-detail")?.contains("HTTP 500") == true)
        let value = try #require(try JSONSerialization.jsonObject(with: Data(exhaustedRecord.value)) as? [String: Any])
        #expect(value["messageSid"] as? String == exhausted)
        #expect(value["sequence"] as? Int == 1)
    }

    /// Issue 17 §4: events from Event Streams and reconciliation reach an unchanged status-callback
    /// handler under Twilio's callback names: the receiver validates them with the twilio library
    /// and reads `MessageSid` / `MessageStatus` as an Express handler does.
    @Test func eventStreamsAndReconciliationEventsArriveAsStatusCallbacks() async throws {
        let token = "token-\(UUID().uuidString)"
        let receiver = try await Receiver.start(authToken: token, p500: 0, p429: 0, seed: 7)
        defer { receiver.process.kill() }
        let topic = TestEnvironment.uniqueName("fwd-sources")
        try await SinkKafkaTestSupport.createTopic(topic + ".dlq")
        let sid = SinkTestFixtures.messageSid()
        let account = SinkTestFixtures.accountSid
        func streams(_ status: String, _ extra: String = "") throws -> StatusEvent {
            let body = #"[{"specversion":"1.0","type":"com.twilio.messaging.message.\#(status)","source":"/x","id":"EZ\#(status)","data":{"messageSid":"\#(sid)","accountSid":"\#(account)","messageStatus":"\#(status.uppercased())","from":"+15005550006","to":"+15005551234","timestamp":"2026-11-29T13:40:05.000Z"\#(extra)}}]"#
            return try #require(try EventStreamsNormalizer().normalize(body: Array(body.utf8), receivedAt: 1).events.first)
        }
        let resource = #"{"sid":"\#(sid)","account_sid":"\#(account)","status":"undelivered","error_code":30003,"from":"+15005550006","to":"+15005551234","api_version":"2010-04-01","date_updated":"Sun, 29 Nov 2026 13:41:00 +0000"}"#
        let events = [
            try streams("sent"), try streams("delivered", #","rawDlrDoneDate":"2611291340","errorCode":null"#),
            try ReconciliationNormalizer().normalize(message: JSONValue.parse(Array(resource.utf8)), receivedAt: 2),
        ]
        let batch = events.enumerated().map { index, event in
            ReleasedEvent(event: event, sequence: index + 1, late: false, topic: topic, partition: 0, offset: Int64(index))
        }
        try await SinkKafkaTestSupport.withProducer { producer in
            let sink = try HTTPForwardSink(url: receiver.url, configuration: Self.configuration(token: token), deadLetterProducer: producer, logger: Logger(label: "test"))
            try await sink.start()
            try await sink.write(batch)
            try await sink.shutdown()
        }
        let state = try await receiver.state()
        #expect(state.invalid_signatures == 0)
        #expect(state.unreadable == 0)
        #expect(state.accepted.map(\.message_sid) == [sid, sid, sid])
        #expect(state.accepted.map(\.message_status) == ["sent", "delivered", "undelivered"])
        let delivered = try #require(state.accepted.dropFirst().first?.params)
        #expect(delivered["SmsStatus"] == ["delivered"] && delivered["SmsSid"] == [sid] && delivered["AccountSid"] == [account])
        #expect(delivered["ApiVersion"] == ["2010-04-01"] && delivered["RawDlrDoneDate"] == ["2611291340"])
        #expect(delivered["messageSid"] == nil && delivered["ce_id"] == nil)
        #expect(state.accepted.last?.params["ErrorCode"] == ["30003"])
    }

    /// A message waiting out a 429 does not hold up the others, and no more requests than
    /// `maxConcurrency` are in flight at once.
    @Test func noHeadOfLineBlockingAcrossMessages() async throws {
        let token = "token-\(UUID().uuidString)"
        let receiver = try await Receiver.start(authToken: token, p500: 0, p429: 0, seed: 3, retryAfter: 2)
        defer { receiver.process.kill() }
        let topic = TestEnvironment.uniqueName("fwd-hol")
        let slow = SinkTestFixtures.messageSid()
        let others = (0..<6).map { _ in SinkTestFixtures.messageSid() }
        var batch = SinkTestFixtures.released(slow, ["queued"], topic: topic, extra: [("TestBehavior", "429once")])
        for sid in others { batch += SinkTestFixtures.released(sid, ["queued", "sent"], topic: topic) }
        let written = batch
        try await SinkKafkaTestSupport.withProducer { producer in
            var configuration = Self.configuration(token: token)
            configuration.maxConcurrency = 2
            configuration.maxRetryAfter = .seconds(5)
            let sink = try HTTPForwardSink(url: receiver.url, configuration: configuration, deadLetterProducer: producer, logger: Logger(label: "test"))
            try await sink.start()
            try await sink.write(written)
            try await sink.shutdown()
        }
        let state = try await receiver.state()
        #expect(state.accepted.count == 13)
        #expect(state.accepted.last?.message_sid == slow, "\(state.accepted.map(\.message_sid))")
        #expect(state.max_in_flight <= 2)
        #expect(state.violations.isEmpty)
    }

    /// Negative control: signed with the wrong token, the receiver's twilio validator refuses (403),
    /// which is not retried and goes to the dead-letter topic.
    @Test func wrongTokenIsRejectedByTheValidatorAndDeadLettered() async throws {
        let receiver = try await Receiver.start(authToken: "the-right-token", p500: 0, p429: 0, seed: 1)
        defer { receiver.process.kill() }
        let topic = TestEnvironment.uniqueName("fwd-bad")
        try await SinkKafkaTestSupport.createTopic(topic + ".dlq")
        let sid = SinkTestFixtures.messageSid()
        try await SinkKafkaTestSupport.withProducer { producer in
            let sink = try HTTPForwardSink(
                url: receiver.url, configuration: Self.configuration(token: "a-wrong-token"), deadLetterProducer: producer,
                logger: Logger(label: "test")
            )
            try await sink.start()
            try await sink.write(SinkTestFixtures.released(sid, ["queued"], topic: topic))
            try await sink.shutdown()
        }
        let state = try await receiver.state()
        #expect(state.invalid_signatures == 1)
        #expect(state.accepted.isEmpty)
        let dead = try await SinkKafkaTestSupport.readRecords(topic: topic + ".dlq", count: 1)
        #expect(SinkKafkaTestSupport.header(dead[0], "statusrelay-dlq-reason") == "http_403")
    }

    /// Nothing listens: connection errors are retried, then the event is dead-lettered.
    @Test func unreachableTargetIsRetriedThenDeadLettered() async throws {
        let port = try freePort()
        let topic = TestEnvironment.uniqueName("fwd-down")
        // The dead-letter topic does not exist yet: the sink creates it through the admin client.
        let admin = try KafkaAdminClient(bootstrapServers: try TestEnvironment.bootstrapServers, logger: TestKafka.logger())
        try await SinkKafkaTestSupport.withProducer { producer in
            var configuration = Self.configuration(token: "t", maxAttempts: 3)
            configuration.connectTimeout = .milliseconds(500)
            let sink = try HTTPForwardSink(
                url: "http://127.0.0.1:\(port)/status", configuration: configuration, deadLetterProducer: producer,
                admin: admin, logger: Logger(label: "test")
            )
            try await sink.start()
            try await sink.write(SinkTestFixtures.released(SinkTestFixtures.messageSid(), ["queued"], topic: topic))
            try await sink.shutdown()
        }
        let dead = try await SinkKafkaTestSupport.readRecords(topic: topic + ".dlq", count: 1)
        #expect(SinkKafkaTestSupport.header(dead[0], "statusrelay-dlq-reason") == "retries_exhausted")
        #expect(SinkKafkaTestSupport.header(dead[0], "statusrelay-dlq-attempts") == "3")
    }
}
