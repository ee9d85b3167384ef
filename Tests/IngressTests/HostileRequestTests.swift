import Foundation
import HTTPTypes
import HummingbirdTesting
import Ingress
import Kafka
import NIOCore
import StatusEvents
import Testing
import TestSupport

/// Issue 16 items 1, 2 and 8 against the real broker over real sockets: what one request may cost,
/// replays that verify the same, and Event Streams batches.
@Suite struct HostileRequestTests {
    static func startHarness(_ customize: (inout IngressConfiguration) -> Void = { _ in }) async throws -> IngressHarness {
        let topic = try await TestKafka.makeTopic("hostile-request")
        try await TestKafka.createTopic("\(topic).rejected")
        return try await IngressHarness.start(
            try IngressHarness.configuration(brokers: try TestEnvironment.bootstrapServers, topic: topic, customize)
        )
    }

    /// 10,000 names in descending order in 60 KiB (the issue's probe) and one parameter over the
    /// configured limit both get 413 before any sorting or signing, counted by reason.
    @Test func tooManyFormParametersGet413() async throws {
        let harness = try await Self.startHarness { $0.webhookLimits.maxFormParameters = 40 }
        let flood = (0..<10_000).map { (String(0x3000 - $0, radix: 16), "") }
        let justOver = Callback.parameters(sid: Callback.messageSid()) + (0..<33).map { ("Extra\($0)", "x") }
        for parameters in [flood, justOver] {
            let response = try await harness.withClient { client in
                try await client.execute(Callback.request(harness, parameters: parameters, signature: "bm90LWEtc2lnbmF0dXJl"))
            }
            #expect(response.status == .contentTooLarge, "\(response.bodyText)")
            #expect(response.jsonField("reason") == "too_many_parameters")
        }
        // At the limit: verified and accepted.
        let atLimit = Callback.parameters(sid: Callback.messageSid()) + (0..<32).map { ("Extra\($0)", "x") }
        let accepted = try await harness.withClient { client in try await client.execute(Callback.request(harness, parameters: atLimit)) }
        #expect(accepted.status == .ok, "\(accepted.bodyText)")
        #expect(try await harness.metricsText().contains(#"statusrelay_ingress_requests_total{route="form",outcome="too_many_parameters"} 2"#))
        try await harness.stop()
    }

    /// The replay from the issue: a signed callback resent with `&To=…` appended verifies and is
    /// the same event (same id); a core field repeated with another value is refused and
    /// dead-lettered instead of normalized by arrival order.
    @Test func replayWithRepeatedParameterIsTheSameEvent() async throws {
        let harness = try await Self.startHarness()
        let parameters = Callback.parameters(sid: Callback.messageSid())
        let signature = Callback.signature(url: harness.formURL, parameters: parameters)
        let first = try await harness.withClient { client in
            try await client.execute(Callback.request(harness, parameters: parameters, signature: signature))
        }
        let replayed = try await harness.withClient { client in
            try await client.execute(Callback.request(harness, parameters: parameters + [("To", "+15551234567")], signature: signature))
        }
        #expect(first.status == .ok, "\(first.bodyText)")
        #expect(replayed.status == .ok, "\(replayed.bodyText)")
        #expect(first.jsonField("id") != nil)
        #expect(replayed.jsonField("id") == first.jsonField("id"))

        let ambiguous = parameters + [("MessageStatus", "failed")]
        let response = try await harness.withClient { client in try await client.execute(Callback.request(harness, parameters: ambiguous)) }
        #expect(response.status == .badRequest, "\(response.bodyText)")
        #expect(response.jsonField("reason") == "invalid_field")
        #expect(response.jsonField("field") == "MessageStatus")
        let brokers = try TestEnvironment.bootstrapServers
        let rejected = try await TopicReader.waitFor(1, in: "\(harness.topic).rejected", brokers: brokers)
        #expect(rejected.count == 1)
        #expect(TopicReader.header("statusrelay_field", of: rejected[0]) == "MessageStatus")
        let events = try await TopicReader.waitFor(2, in: harness.topic, brokers: brokers)
        #expect(Set(events.compactMap { TopicReader.header("ce_id", of: $0) }) == [first.jsonField("id")])
        try await harness.stop()
    }

    static func eventStreamsRequest(_ harness: IngressHarness, body: String) -> TestClient.Request {
        let digest = SignatureVerifier.bodySHA256(Array(body.utf8))
        let path = "\(harness.configuration.routes.eventStreams)?bodySHA256=\(digest)"
        let url = "http://127.0.0.1:\(harness.port)\(path)"
        var headers: HTTPFields = [.contentType: "application/json"]
        headers[HTTPField.Name("X-Twilio-Signature")!] = SignatureVerifier.computeSignature(
            url: url, parameters: FormParameters(), secret: IngressHarness.authToken
        )
        return .init(path, method: .post, authority: "127.0.0.1:\(harness.port)", headers: headers, body: ByteBuffer(string: body))
    }

    static func element(_ sid: String, status: String = "delivered") -> String {
        #"{"specversion":"1.0","type":"com.twilio.messaging.message.\#(status)","source":"/x","id":"EZ\#(sid.dropFirst(2))","data":{"messageSid":"\#(sid)","accountSid":"\#(Callback.accountSid)","messageStatus":"\#(status.uppercased())"}}"#
    }

    /// A signed batch of 10,000 empty objects (the issue's probe) gets 413 at once and writes
    /// nothing; a signed batch of nothing but invalid elements writes ONE rejected record.
    @Test func eventStreamsBatchesAreBoundedAndRejectedAsOneRecord() async throws {
        let harness = try await Self.startHarness()
        let brokers = try TestEnvironment.bootstrapServers
        let flood = "[" + Array(repeating: "{}", count: 10_000).joined(separator: ",") + "]"
        let refused = try await harness.withClient { client in try await client.execute(Self.eventStreamsRequest(harness, body: flood)) }
        #expect(refused.status == .contentTooLarge, "\(refused.bodyText)")
        #expect(refused.jsonField("reason") == "too_many_events")

        let invalid = "[" + Array(repeating: "{}", count: 200).joined(separator: ",") + "]"
        let response = try await harness.withClient { client in try await client.execute(Self.eventStreamsRequest(harness, body: invalid)) }
        #expect(response.status == .badRequest, "\(response.bodyText)")
        #expect(response.jsonField("reason") == "missing_field")
        let rejected = try await TopicReader.waitFor(1, in: "\(harness.topic).rejected", brokers: brokers)
        // Give a (wrong) second record time to show up.
        try await Task.sleep(for: .seconds(1))
        let all = try await TopicReader.readAll("\(harness.topic).rejected", brokers: brokers)
        #expect(all.count == 1)
        let record = try #require(rejected.first)
        #expect(TopicReader.header("statusrelay_rejected_count", of: record) == "200")
        #expect(TopicReader.header("statusrelay_reason", of: record) == "missing_field")
        guard case .array(let elements) = try JSONValue.parse(record.value) else {
            Issue.record("the rejected record's value is not a JSON array")
            return
        }
        #expect(elements.count == 200)
        guard case .array(let reasons) = try JSONValue.parse(Array((TopicReader.header("statusrelay_rejections", of: record) ?? "").utf8)) else {
            Issue.record("statusrelay_rejections is not a JSON array")
            return
        }
        #expect(reasons.count == 200)
        #expect(reasons.last?["index"] == .number("199"))
        #expect(reasons.last?["field"] == .string("type"))
        #expect(try await TopicReader.readAll(harness.topic, brokers: brokers).isEmpty)
        #expect(try await harness.metricsText().contains("statusrelay_ingress_dead_lettered_total 1"))
        try await harness.stop()
    }

    /// Valid elements of a mixed batch are published (at once); the invalid ones share one record.
    @Test func mixedBatchKeepsValidEventsAndRejectsTheRestInOneRecord() async throws {
        let harness = try await Self.startHarness()
        let brokers = try TestEnvironment.bootstrapServers
        let sids = (0..<20).map { _ in Callback.messageSid() }
        let bad = [#"{}"#, #""text""#]
        var elements = sids.map { Self.element($0) }
        elements.insert(contentsOf: bad, at: 5)
        let body = "[" + elements.joined(separator: ",") + "]"
        let response = try await harness.withClient { client in try await client.execute(Self.eventStreamsRequest(harness, body: body)) }
        #expect(response.status == .ok, "\(response.bodyText)")
        #expect(response.bodyText.contains(#""accepted":20,"rejected":2,"#))
        let events = try await TopicReader.waitFor(20, in: harness.topic, brokers: brokers)
        #expect(Set(events.compactMap { $0.key.map { String(decoding: $0, as: UTF8.self) } }) == Set(sids))
        let rejected = try await TopicReader.waitFor(1, in: "\(harness.topic).rejected", brokers: brokers)
        try await Task.sleep(for: .seconds(1))
        #expect(try await TopicReader.readAll("\(harness.topic).rejected", brokers: brokers).count == 1)
        let record = try #require(rejected.first)
        #expect(TopicReader.header("statusrelay_rejected_count", of: record) == "2")
        #expect(try JSONValue.parse(record.value) == JSONValue.parse(Array(("[" + bad.joined(separator: ",") + "]").utf8)))
        try await harness.stop()
    }
}
