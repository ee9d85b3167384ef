import StatusEvents
import Testing

@Suite struct EventStreamsNormalizerTests {
    static let normalizer = EventStreamsNormalizer(nodeId: "edge-1")

    static func element(
        type: String = "com.twilio.messaging.message.delivered",
        id: String = "EZ0001",
        data: String = #"{"messageSid":"SM0123456789abcdef0123456789abcdef","accountSid":"AC0123456789abcdef0123456789abcdef","messagingServiceSid":"MG0123456789abcdef0123456789abcdef","from":"whatsapp:+14155238886","to":"whatsapp:+447700900123","messageStatus":"DELIVERED","errorCode":null,"timestamp":"2026-11-29T13:40:05.000Z","numberOfSegments":1,"tags":{"campaign":"x"},"rawDlrDoneDate":"2611291340"}"#
    ) -> String {
        #"{"specversion":"1.0","type":"\#(type)","source":"/2010-04-01/Accounts/AC0123456789abcdef0123456789abcdef/Messages/SM0123456789abcdef0123456789abcdef.json","id":"\#(id)","dataschema":"https://events-schemas.twilio.com/Messaging.MessageStatus/8","datacontenttype":"application/json","time":"2026-11-29T13:40:05.123Z","data":\#(data)}"#
    }

    func normalize(_ body: String) throws(WebhookError) -> EventStreamsNormalizer.Outcome {
        try Self.normalizer.normalize(body: Array(body.utf8), idempotencyToken: "tok", homeRegion: "us1", receivedAt: 1_764_423_605_123)
    }

    @Test func deliveredEvent() throws {
        let outcome = try normalize("[" + Self.element() + "]")
        #expect(outcome.rejections.isEmpty)
        let event = try #require(outcome.events.first)
        #expect(event.source == .eventStreams)
        #expect(event.messageSid == "SM0123456789abcdef0123456789abcdef")
        #expect(event.accountSid == "AC0123456789abcdef0123456789abcdef")
        #expect(event.messagingServiceSid == "MG0123456789abcdef0123456789abcdef")
        #expect(event.status == "delivered")
        #expect(event.statusRank == MessageLifecycle.rank(of: "delivered"))
        #expect(event.channel == "whatsapp")
        #expect(event.errorCode == nil)
        #expect(event.dlrDoneAt == "2026-11-29T13:40:00Z")
        #expect(event.ingress.nodeId == "edge-1")
        #expect(event.params["numberOfSegments"] == .single("1"))
        #expect(event.params["tags"] == .single(#"{"campaign":"x"}"#))
        #expect(event.params["errorCode"] == nil)
        #expect(event.params["ce_id"] == .single("EZ0001"))
        #expect(event.params["ce_type"] == .single("com.twilio.messaging.message.delivered"))
    }

    @Test func batchKeepsGoodEventsAndRejectsBadOnes() throws {
        let elements = [
            Self.element(type: "com.twilio.messaging.message.sent", id: "a", data: #"{"messageSid":"SM0123456789abcdef0123456789abcdef","accountSid":"AC0123456789abcdef0123456789abcdef","messageStatus":"SENT"}"#),
            Self.element(type: "com.twilio.voice.call.completed", id: "b"),
            Self.element(id: "c", data: #"{"accountSid":"AC0123456789abcdef0123456789abcdef"}"#),
            Self.element(id: "d", data: #"{"messageSid":"SM0123456789abcdef0123456789abcdef","accountSid":"nope"}"#),
            #""just a string""#,
            Self.element(type: "com.twilio.messaging.message.failed", id: "e", data: #"{"messageSid":"MM0123456789abcdef0123456789abcdef","accountSid":"AC0123456789abcdef0123456789abcdef","errorCode":30008}"#),
        ]
        let outcome = try normalize("[" + elements.joined(separator: ",") + "]")
        #expect(outcome.events.map(\.status) == ["sent", "failed"])
        #expect(outcome.events.last?.errorCode == .numeric(30008))
        #expect(outcome.events.last?.channel == "mms")
        #expect(outcome.rejections.map(\.index) == [1, 2, 3, 4])
        #expect(outcome.rejections.map(\.error.code) == [.unsupportedEventType, .missingField, .invalidField, .invalidField])
        #expect(outcome.rejections[1].error.field == "data.messageSid")
        #expect(outcome.rejections[2].error.field == "data.accountSid")
        #expect(outcome.rejections[0].element.contains("com.twilio.voice.call.completed"))
        #expect(outcome.rejections.map(\.messageSid) == ["SM0123456789abcdef0123456789abcdef", nil, "SM0123456789abcdef0123456789abcdef", nil])
    }

    @Test func statusFallsBackToTheTypeSuffix() throws {
        let body = Self.element(type: "com.twilio.messaging.message.read", data: #"{"messageSid":"SM0123456789abcdef0123456789abcdef","accountSid":"AC0123456789abcdef0123456789abcdef"}"#)
        let outcome = try normalize(body)  // a single object is accepted too
        #expect(outcome.events.first?.status == "read")
        #expect(outcome.events.first?.statusRank == MessageLifecycle.rank(of: "read"))
    }

    @Test func idIsStablePerEventAndDiffersBetweenEvents() throws {
        let first = try normalize("[" + Self.element(id: "EZ1") + "]").events[0]
        let again = try Self.normalizer.normalize(body: Array(("[" + Self.element(id: "EZ1") + "]").utf8), receivedAt: 5).events[0]
        let other = try normalize("[" + Self.element(id: "EZ2") + "]").events[0]
        #expect(first.id == again.id)
        #expect(first.id != other.id)
    }

    @Test func malformedPayloads() {
        for (body, detail) in [("", "invalid_json"), ("[", "invalid_json"), ("{\"a\":1,}", "invalid_json"), ("42", "not_an_event_array"), ("[1] x", "invalid_json"), ("\"\\ud800\"", "invalid_json")] {
            do {
                _ = try normalize(body)
                Issue.record("expected malformed_body for \(body)")
            } catch {
                #expect(error.code == .malformedBody)
                #expect(error.detail == detail, "\(body)")
            }
        }
        #expect(throws: WebhookError.self) { try Self.normalizer.normalize(body: [0x5B, 0x22, 0xFF, 0x22, 0x5D], receivedAt: 0) }
    }

    @Test func deepNestingIsRejectedNotCrashing() {
        let deep = String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)
        #expect(throws: WebhookError.self) { try normalize(deep) }
    }

    @Test func accountSidForSecretSelection() {
        #expect(EventStreamsNormalizer.firstAccountSid(in: Array(("[" + Self.element() + "]").utf8)) == "AC0123456789abcdef0123456789abcdef")
        #expect(EventStreamsNormalizer.firstAccountSid(in: Array("not json".utf8)) == nil)
    }
}
