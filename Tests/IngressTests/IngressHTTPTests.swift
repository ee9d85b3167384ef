import Foundation
import HTTPTypes
import HummingbirdTesting
import Ingress
import Kafka
import NIOCore
import StatusEvents
import Testing
import TestSupport

/// What of the HTTP surface needs the real broker, over real sockets (the rest, broker-free, is in
/// `IngressRouterTests`).
@Suite struct IngressHTTPTests {
    static func startHarness(_ customize: (inout IngressConfiguration) -> Void = { _ in }) async throws -> IngressHarness {
        let topic = try await TestKafka.makeTopic("ingress")
        try await TestKafka.createTopic("\(topic).rejected")
        return try await IngressHarness.start(
            try IngressHarness.configuration(brokers: try TestEnvironment.bootstrapServers, topic: topic, customize)
        )
    }

    @Test func validCallbackIsPublishedKeyedByMessageSidWithCloudEventsHeaders() async throws {
        let harness = try await Self.startHarness()
        let sid = Callback.messageSid()
        let response = try await harness.withClient { client in
            try await client.execute(Callback.request(harness, parameters: Callback.parameters(sid: sid, extra: [("ErrorCode", "30003")])))
        }
        #expect(response.status == .ok, "\(response.bodyText)")
        #expect(response.jsonField("durable") == "kafka")
        let id = try #require(response.jsonField("id"))
        #expect(response.headers[HTTPField.Name("X-Request-Id")!] != nil)

        let messages = try await TopicReader.waitFor(1, in: harness.topic, brokers: try TestEnvironment.bootstrapServers)
        #expect(messages.count == 1)
        let message = try #require(messages.first)
        #expect(message.key == Array(sid.utf8))
        #expect(TopicReader.header("ce_id", of: message) == id)
        #expect(TopicReader.header("ce_specversion", of: message) == "1.0")
        #expect(TopicReader.header("ce_type", of: message) == CloudEventHeaders.type)
        #expect(TopicReader.header("ce_subject", of: message) == sid)
        #expect(TopicReader.header("ce_source", of: message) == "/statusrelay/status-callback")
        #expect(TopicReader.header("content-type", of: message) == "application/json")
        let event = try StatusEventCodec.decode(message.value)
        #expect(event.id == id)
        #expect(event.messageSid == sid)
        #expect(event.accountSid == Callback.accountSid)
        #expect(event.status == "delivered")
        #expect(event.errorCode == .numeric(30003))
        #expect(event.ingress.nodeId == "test-node")
        #expect(try await TopicReader.readAll("\(harness.topic).rejected", brokers: try TestEnvironment.bootstrapServers).isEmpty)
        try await harness.stop()
    }

    /// The signature Twilio's official Python library computes is accepted as is.
    @Test func signatureFromTwilioPythonLibraryIsAccepted() async throws {
        let harness = try await Self.startHarness()
        let sid = Callback.messageSid()
        let parameters = Callback.parameters(sid: sid, extra: [("Body", "hé & ünïcode = ok"), ("Empty", "")])
        let script = """
            import json, sys
            from twilio.request_validator import RequestValidator
            url, token, params = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
            print(RequestValidator(token).compute_signature(url, dict(params)))
            """
        let json = String(decoding: try JSONSerialization.data(withJSONObject: parameters.map { [$0.0, $0.1] }), as: UTF8.self)
        let process = try ChildProcess(try TestEnvironment.python, arguments: ["-c", script, harness.formURL, IngressHarness.authToken, json])
        #expect(try await process.waitForExit() == .exited(0))
        let signature = process.output().trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(!signature.isEmpty)
        let response = try await harness.withClient { client in
            try await client.execute(Callback.request(harness, parameters: parameters, signature: signature))
        }
        #expect(response.status == .ok, "\(response.bodyText)")
        let messages = try await TopicReader.waitFor(1, in: harness.topic, brokers: try TestEnvironment.bootstrapServers)
        #expect(messages.first?.key == Array(sid.utf8))
        try await harness.stop()
    }

    @Test(arguments: [
        ("MessageSid", nil, "missing_field"),
        ("MessageSid", "SMnot-a-sid", "invalid_field"),
        ("AccountSid", nil, "missing_field"),
        ("MessageStatus", nil, "missing_field"),
    ] as [(String, String?, String)])
    func signedButInvalidCallbackIsRejectedAndDeadLettered(field: String, value: String?, reason: String) async throws {
        let harness = try await Self.startHarness()
        let sid = Callback.messageSid()
        var parameters = Callback.parameters(sid: sid).filter { $0.0 != field && !(field == "MessageStatus" && $0.0 == "SmsStatus") }
        if let value { parameters.append((field, value)) }
        let response = try await harness.withClient { [parameters] client in
            try await client.execute(Callback.request(harness, parameters: parameters))
        }
        #expect(response.status == .badRequest)
        #expect(response.jsonField("reason") == reason)
        #expect(response.jsonField("field") == field)

        let brokers = try TestEnvironment.bootstrapServers
        let rejected = try await TopicReader.waitFor(1, in: "\(harness.topic).rejected", brokers: brokers)
        #expect(rejected.count == 1)
        let record = try #require(rejected.first)
        #expect(String(decoding: record.value, as: UTF8.self) == Callback.formBody(parameters))
        #expect(TopicReader.header("statusrelay_reason", of: record) == reason)
        #expect(TopicReader.header("statusrelay_field", of: record) == field)
        #expect(TopicReader.header("statusrelay_request_id", of: record) == response.headers[HTTPField.Name("X-Request-Id")!])
        #expect(try await TopicReader.readAll(harness.topic, brokers: brokers).isEmpty)
        #expect(try await harness.metricsText().contains("statusrelay_ingress_dead_lettered_total 1"))
        try await harness.stop()
    }

    @Test func concurrencyLimitAnswers429WhenTripped() async throws {
        // A limit of 1 and a broker that never answers: the first request holds the slot for the whole deadline.
        let blackhole = try BlackholeListener()
        let topic = TestEnvironment.uniqueName("limit")
        let harness = try await IngressHarness.start(
            try IngressHarness.configuration(brokers: [blackhole.address], topic: topic) {
                $0.maxConcurrentRequests = 1
                $0.publisher.kafkaDeadline = .seconds(3)
            }
        )
        // Five at once: one holds the only slot for the whole 3 s deadline, the others are turned away.
        let responses = try await withThrowingTaskGroup(of: TestClient.Response.self) { group in
            for _ in 0..<5 {
                group.addTask {
                    try await harness.withClient { client in
                        try await client.execute(Callback.request(harness, parameters: Callback.parameters(sid: Callback.messageSid())))
                    }
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        let limited = responses.filter { $0.status == .tooManyRequests }
        let accepted = responses.filter { $0.status == .ok }
        #expect(limited.count >= 1)
        #expect(accepted.count >= 1)
        #expect(limited.count + accepted.count == 5)
        #expect(limited.allSatisfy { $0.jsonField("reason") == "too_many_requests" && $0.headers[.retryAfter] != nil })
        // The held request still became durable: spooled, since the broker never answered.
        #expect(accepted.allSatisfy { $0.jsonField("durable") == "spool" })
        try await harness.stop()
    }

    @Test func healthReadinessAndMetricsRoutes() async throws {
        let harness = try await Self.startHarness()
        let authority = "127.0.0.1:\(harness.port)"
        try await harness.withClient { client in
            let health = try await client.execute(.init("/healthz", method: .get, authority: authority))
            #expect(health.status == .ok)
            let ready = try await client.execute(.init("/readyz", method: .get, authority: authority))
            #expect(ready.status == .ok)
            #expect(ready.bodyText.contains(#""kafka":"reachable""#))
            #expect(ready.bodyText.contains(#""spool":"has_room""#))
            let metrics = try await client.execute(.init("/metrics", method: .get, authority: authority))
            #expect(metrics.status == .ok)
            #expect(metrics.headers[.contentType]?.hasPrefix("text/plain") == true)
            for name in [
                "statusrelay_ingress_publish_duration_seconds", "statusrelay_ingress_spool_records", "statusrelay_ingress_spool_bytes",
                "statusrelay_ingress_spool_oldest_age_seconds", "statusrelay_ingress_producer_queue_length",
                "statusrelay_ingress_published_total", "statusrelay_ingress_dead_lettered_total",
            ] {
                #expect(metrics.bodyText.contains(name), "\(name)")
            }
        }
        try await harness.stop()
    }

    @Test func eventStreamsRoutePublishesEachEvent() async throws {
        let harness = try await Self.startHarness()
        let sids = [Callback.messageSid(), Callback.messageSid()]
        let elements = sids.map { sid in
            """
            {"specversion":"1.0","type":"com.twilio.messaging.message.delivered","source":"/2010-04-01/Accounts/\(Callback.accountSid)/Messages/\(sid).json","id":"EZ\(sid.dropFirst(2))","dataschema":"https://events-schemas.twilio.com/Messaging.MessageStatus/4","datacontenttype":"application/json","time":"2026-11-29T13:40:00.000Z","data":{"messageSid":"\(sid)","accountSid":"\(Callback.accountSid)","messageStatus":"DELIVERED","to":"+15551234567","from":"+15005550006","timestamp":"2026-11-29T13:40:00.000Z"}}
            """
        }
        let body = "[" + elements.joined(separator: ",") + "]"
        let digest = SignatureVerifier.bodySHA256(Array(body.utf8))
        let path = "\(harness.configuration.routes.eventStreams)?bodySHA256=\(digest)"
        let url = "http://127.0.0.1:\(harness.port)\(path)"
        let signature = SignatureVerifier.computeSignature(url: url, parameters: FormParameters(), secret: IngressHarness.authToken)
        var headers: HTTPFields = [.contentType: "application/json"]
        headers[HTTPField.Name("X-Twilio-Signature")!] = signature
        let response = try await harness.withClient { [headers] client in
            try await client.execute(.init(path, method: .post, authority: "127.0.0.1:\(harness.port)", headers: headers, body: ByteBuffer(string: body)))
        }
        #expect(response.status == .ok, "\(response.bodyText)")
        let messages = try await TopicReader.waitFor(2, in: harness.topic, brokers: try TestEnvironment.bootstrapServers)
        #expect(Set(messages.compactMap { $0.key.map { String(decoding: $0, as: UTF8.self) } }) == Set(sids))
        try await harness.stop()
    }
}
