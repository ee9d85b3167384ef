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
        // YYMMDDhhmm has no zone: verbatim, never an instant.
        #expect(event.rawDlrDoneDate == "2611291340")
        #expect(event.dlrDoneAt == nil)
        #expect(event.twilioTimestamp == 1_795_959_605_000)
        #expect(event.twilioTime == 1_795_959_605_000)
        #expect(event.notes.isEmpty)
        #expect(event.ingress.nodeId == "edge-1")
        #expect(event.params["numberOfSegments"] == .single("1"))
        #expect(event.params["tags"] == .single(#"{"campaign":"x"}"#))
        #expect(event.params["errorCode"] == nil)
        #expect(event.params["ce_id"] == .single("EZ0001"))
        #expect(event.params["ce_type"] == .single("com.twilio.messaging.message.delivered"))
    }

    static let sid = "SM0123456789abcdef0123456789abcdef"
    static let account = "AC0123456789abcdef0123456789abcdef"

    /// Event Streams' zoned DLR time is a real instant: nanoseconds, `Z` and `±hh:mm` offsets.
    @Test(arguments: [
        ("2024-05-29T10:57:57.563495225Z", "2024-05-29T10:57:57.563Z"), ("2024-05-29T12:57:57.5+02:00", "2024-05-29T10:57:57.500Z"),
        ("2024-05-29T05:27:57-05:30", "2024-05-29T10:57:57.000Z"), ("2024-12-31T23:30:00.000-01:00", "2025-01-01T00:30:00.000Z"),
        ("2024-05-29t10:57:57z", "2024-05-29T10:57:57.000Z"),
    ])
    func zonedRawDlrDoneDateIsAnInstant(raw: String, instant: String) throws {
        let data = #"{"messageSid":"\#(Self.sid)","accountSid":"\#(Self.account)","rawDlrDoneDate":"\#(raw)"}"#
        let event = try #require(try normalize(Self.element(data: data)).events.first)
        #expect(event.rawDlrDoneDate == raw)
        #expect(event.dlrDoneAt == instant)
        #expect(event.notes.isEmpty)
    }

    /// A time without a zone, a bad offset or more than nanoseconds is no instant: null with a note.
    @Test(arguments: [
        "2024-05-29T10:57:57", "2024-05-29T10:57:57.563", "2024-05-29T10:57:57+0200", "2024-05-29T10:57:57+24:00",
        "2024-05-29T10:57:57.1234567891Z", "2024-05-29T10:57:57.Z", "2024-02-30T10:57:57Z", "2024-05-29 10:57Z", "x2024-05-29T10:57:57Z",
    ])
    func unreadableRawDlrDoneDateIsNullWithNote(raw: String) throws {
        let data = #"{"messageSid":"\#(Self.sid)","accountSid":"\#(Self.account)","rawDlrDoneDate":"\#(raw)"}"#
        let event = try #require(try normalize(Self.element(data: data)).events.first)
        #expect(event.rawDlrDoneDate == raw)
        #expect(event.dlrDoneAt == nil)
        #expect(event.notes.contains { $0.contains("RawDlrDoneDate") })
    }

    /// `data.timestamp` is kept as `twilioTimestamp`, the time `twilioTime` (and so the
    /// current-status rule) uses; without one, or unreadable, the event has none.
    @Test func dataTimestampBecomesTwilioTimestamp() throws {
        func event(_ timestamp: String?) throws -> StatusEvent {
            let member = timestamp.map { #","timestamp":"\#($0)""# } ?? ""
            let data = #"{"messageSid":"\#(Self.sid)","accountSid":"\#(Self.account)"\#(member)}"#
            return try #require(try normalize(Self.element(data: data)).events.first)
        }
        #expect(try event("2024-05-29T10:57:57.563495225Z").twilioTimestamp == 1_716_980_277_563)
        #expect(try event("2024-05-29T12:57:57.563+02:00").twilioTimestamp == 1_716_980_277_563)
        let none = try event(nil)
        #expect(none.twilioTimestamp == nil && none.notes.isEmpty)
        #expect(none.statusTime == none.receivedAt)
        let unreadable = try event("yesterday")
        #expect(unreadable.twilioTimestamp == nil)
        #expect(unreadable.params["timestamp"] == .single("yesterday"))
        #expect(unreadable.notes.contains { $0.contains("data.timestamp") })
        // Written only when present: other events keep their exact bytes.
        #expect(!String(decoding: StatusEventCodec.encode(none), as: UTF8.self).contains("twilioTimestamp"))
        let encoded = StatusEventCodec.encode(try event("2024-05-29T10:57:57.563Z"))
        #expect(String(decoding: encoded, as: UTF8.self).contains(#""receivedAt":1764423605123,"twilioTimestamp":1716980277563,"source":"event-streams""#))
        #expect(try StatusEventCodec.decode(encoded).twilioTimestamp == 1_716_980_277_563)
    }

    /// The Sink Test event (as Twilio sends it) and any other subscribed type are neither events
    /// nor rejections; a batch mixing them with message events keeps the message events.
    @Test func otherEventTypesAreCountedNotRejected() throws {
        let sinkTest = #"{"specversion":"1.0","type":"com.twilio.eventstreams.test-event","source":"Sink","id":"AC11111111111111111111111111111111","dataschema":"https://events-schemas.twilio.com/EventStreams.TestSink/1.json","datacontenttype":"application/json","time":"2026-06-10T06:02:54.377Z","data":{"test_id":"cae2f9e2-c277-4612-8ad3-93c1a7a3ef88"}}"#
        let only = try normalize("[" + sinkTest + "]")
        #expect(only.events.isEmpty && only.rejections.isEmpty)
        #expect(only.otherEvents.map(\.index) == [0])
        #expect(only.otherEvents.map(\.type) == [EventStreamsNormalizer.sinkTestType])
        #expect(only.otherEvents.map(\.id) == ["AC11111111111111111111111111111111"])
        #expect(only.otherEvents.map(\.testId) == ["cae2f9e2-c277-4612-8ad3-93c1a7a3ef88"])
        let inbound = Self.element(type: "com.twilio.messaging.inbound-message.received", id: "EZ9")
        let mixed = try normalize("[" + [sinkTest, Self.element(), inbound, #"{"data":{}}"#].joined(separator: ",") + "]")
        #expect(mixed.events.map(\.status) == ["delivered"])
        #expect(mixed.otherEvents.map(\.index) == [0, 2])
        #expect(mixed.otherEvents.map(\.type) == [EventStreamsNormalizer.sinkTestType, "com.twilio.messaging.inbound-message.received"])
        #expect(mixed.rejections.map(\.index) == [3])
        #expect(mixed.otherEvents.last?.testId == nil)
        let long = try normalize(#"[{"type":"com.example.\#(String(repeating: "x", count: 500))"}]"#)
        #expect(long.otherEvents.first?.type.count == 128)
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
        #expect(outcome.otherEvents.map(\.type) == ["com.twilio.voice.call.completed"])
        #expect(outcome.rejections.map(\.index) == [2, 3, 4])
        #expect(outcome.rejections.map(\.error.code) == [.missingField, .invalidField, .invalidField])
        #expect(outcome.rejections[0].error.field == "data.messageSid")
        #expect(outcome.rejections[1].error.field == "data.accountSid")
        #expect(outcome.rejections.map(\.messageSid) == [nil, "SM0123456789abcdef0123456789abcdef", nil])
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
