import StatusEvents
import Testing

@testable import Consumer

/// Issue 17 §4: what the HTTP forward sink sends for each source, as a status-callback handler
/// reads it.
@Suite struct StatusCallbackParametersTests {
    static let sid = "SM0123456789abcdef0123456789abcdef"
    static let account = "AC0123456789abcdef0123456789abcdef"

    static func eventStreams(_ data: String, type: String = "com.twilio.messaging.message.delivered") throws -> StatusEvent {
        let body = #"[{"specversion":"1.0","type":"\#(type)","source":"/x","id":"EZ1","time":"2026-11-29T13:40:05.123Z","data":\#(data)}]"#
        return try #require(try EventStreamsNormalizer().normalize(body: Array(body.utf8), receivedAt: 5).events.first)
    }

    static func dictionary(_ pairs: [(String, String)]) -> [String: String] {
        Dictionary(pairs, uniquingKeysWith: { first, _ in first })
    }

    @Test func eventStreamsEventGetsStatusCallbackNames() throws {
        let event = try Self.eventStreams(
            #"{"messageSid":"\#(Self.sid)","accountSid":"\#(Self.account)","messagingServiceSid":"MG0123456789abcdef0123456789abcdef","from":"whatsapp:+14155238886","to":"whatsapp:+447700900123","messageStatus":"UNDELIVERED","errorCode":30008,"timestamp":"2026-11-29T13:40:05.000Z","rawDlrDoneDate":"2611291340","channelPrefix":"whatsapp","channelToAddress":"+447700900123","channelInstallSid":"XE0123","channelStatusMessage":"ok","eventType":"UNDELIVERED","numberOfSegments":1}"#
        )
        let pairs = StatusCallbackParameters.pairs(for: event)
        #expect(pairs.map(\.0) == pairs.map(\.0).sorted())
        #expect(Self.dictionary(pairs) == [
            "MessageSid": Self.sid, "SmsSid": Self.sid, "MessageStatus": "undelivered", "SmsStatus": "undelivered",
            "AccountSid": Self.account, "From": "whatsapp:+14155238886", "To": "whatsapp:+447700900123",
            "ErrorCode": "30008", "MessagingServiceSid": "MG0123456789abcdef0123456789abcdef", "ApiVersion": "2010-04-01",
            "RawDlrDoneDate": "2611291340", "ChannelPrefix": "whatsapp", "ChannelToAddress": "+447700900123",
            "ChannelInstallSid": "XE0123", "ChannelStatusMessage": "ok", "EventType": "UNDELIVERED",
        ])
        // No camelCase member, no CloudEvent attribute.
        #expect(!pairs.contains { $0.0.first?.isLowercase == true })
    }

    @Test func minimalEventStreamsEventAndZonedDlrTime() throws {
        let event = try Self.eventStreams(
            #"{"messageSid":"\#(Self.sid)","accountSid":"\#(Self.account)","rawDlrDoneDate":"2024-05-29T10:57:57.563495225Z"}"#
        )
        // The zoned form is not the callback's YYMMDDhhmm: not sent rather than misread.
        #expect(Self.dictionary(StatusCallbackParameters.pairs(for: event)) == [
            "MessageSid": Self.sid, "SmsSid": Self.sid, "MessageStatus": "delivered", "SmsStatus": "delivered",
            "AccountSid": Self.account, "ApiVersion": "2010-04-01",
        ])
    }

    @Test func reconciliationEventGetsStatusCallbackNames() throws {
        let resource = #"{"sid":"\#(Self.sid)","account_sid":"\#(Self.account)","status":"failed","error_code":"30007","from":"+15005550006","to":"+15005551234","messaging_service_sid":null,"api_version":"2010-04-01","direction":"outbound-api","date_updated":"Fri, 24 May 2019 17:45:10 +0000"}"#
        let event = try ReconciliationNormalizer().normalize(message: JSONValue.parse(Array(resource.utf8)), receivedAt: 5)
        #expect(Self.dictionary(StatusCallbackParameters.pairs(for: event)) == [
            "MessageSid": Self.sid, "SmsSid": Self.sid, "MessageStatus": "failed", "SmsStatus": "failed",
            "AccountSid": Self.account, "From": "+15005550006", "To": "+15005551234", "ErrorCode": "30007",
            "ApiVersion": "2010-04-01",
        ])
    }

    /// A status callback is forwarded with exactly the parameters Twilio signed, repeats included.
    @Test func statusCallbackKeepsItsOwnParameters() {
        let event = SinkTestFixtures.event(Self.sid, "sent", extra: [("Tag", "b"), ("Tag", "a"), ("customParam", "x")])
        let pairs = StatusCallbackParameters.pairs(for: event)
        #expect(pairs.map(\.0) == event.params.keys.sorted().flatMap { name in event.params[name]!.values.map { _ in name } })
        #expect(pairs.filter { $0.0 == "Tag" }.map(\.1) == ["b", "a"])
        #expect(pairs.contains { $0 == ("customParam", "x") })
    }
}
