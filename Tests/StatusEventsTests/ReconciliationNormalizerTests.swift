import Foundation
import StatusEvents
import Testing

@Suite struct ReconciliationNormalizerTests {
    struct NotAnObject: Error {}

    static let receivedAt: Int64 = 1_764_423_605_123

    static func fixture(_ name: String) throws -> JSONValue {
        let url = StatusEventCodecTests.repoRoot.appendingPathComponent("Tests/Fixtures/twilio-api/\(name)")
        return try JSONValue.parse(Array(try Data(contentsOf: url)))
    }

    /// Twilio's own fetch example (from the OpenAPI description, via the contract fixtures).
    @Test func normalizesTwiliosFetchExample() throws {
        let event = try ReconciliationNormalizer().normalize(message: try Self.fixture("fetch-example.json"), receivedAt: Self.receivedAt)
        #expect(event.source == .reconciliation)
        #expect(event.messageSid == "SMb7c0a2ce80504485a6f653a7110836f5")
        #expect(event.accountSid == "ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")
        #expect(event.status == "sent")
        #expect(event.statusRank == 40)
        #expect(event.errorCode == .numeric(30007))
        #expect(event.from == "+12019235161")
        #expect(event.to == "+18182008801")
        #expect(event.messagingServiceSid == "MGaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")
        #expect(event.channel == "sms")
        #expect(event.twilioDateSent == 1_558_718_308_000)
        #expect(event.twilioDateUpdated == 1_558_718_308_000)
        #expect(event.receivedAt == Self.receivedAt)
        // Every member Twilio returned is kept (null members omitted, objects as compact JSON).
        #expect(event.params["direction"] == .single("outbound-api"))
        #expect(event.params["date_updated"] == .single("Fri, 24 May 2019 17:18:28 +0000"))
        #expect(event.params["error_code"] == .single("30007"))
        #expect(event.params["price"] == .single("-0.00750"))
        #expect(event.params["subresource_uris"]?.values.first?.hasPrefix(#"{"media":"#) == true)
        #expect(event.params.count == 20)
        #expect(event.notes.isEmpty)
        // Pinned: sha256 of ["statusrelay-event-id/1","reconciliation",[["date_updated",["1558718308000"]],["sid",[…]],["status",["sent"]]]].
        #expect(event.id == "5c417f3eed607ec2a3a8773f56b24091692513f6797c0ba00af212dfe0cdffbb")
    }

    /// The id depends only on sid, status and date_updated: asking again gives the same id, a
    /// price filled in later does not make a new event, a new status or update time does.
    @Test func idCoversSidStatusAndDateUpdatedOnly() throws {
        let example = try Self.fixture("fetch-example.json")
        let normalizer = ReconciliationNormalizer()
        func id(_ change: (String, JSONValue)?) throws -> String {
            guard case .object(var members) = example else { throw NotAnObject() }
            if let (key, value) = change, let index = members.firstIndex(where: { $0.key == key }) {
                members[index].value = value
            }
            return try normalizer.normalize(message: .object(members), receivedAt: Int64.random(in: 0...1 << 40)).id
        }
        let original = try id(nil)
        #expect(try id(nil) == original)
        #expect(try id(("price", .string("-0.00790"))) == original)
        #expect(try id(("body", .string("other"))) == original)
        #expect(try id(("status", .string("delivered"))) != original)
        #expect(try id(("status", .string("SENT"))) == original)
        #expect(try id(("date_updated", .string("Fri, 24 May 2019 17:18:29 +0000"))) != original)
        // The same instant written with another zone is the same update.
        #expect(try id(("date_updated", .string("Fri, 24 May 2019 19:18:28 +0200"))) == original)
    }

    @Test func everyMessageOfTwiliosListExampleNormalizes() throws {
        guard case .array(let messages)? = try Self.fixture("list-example.json")["messages"] else {
            Issue.record("list example has no messages array")
            return
        }
        let events = try messages.map { try ReconciliationNormalizer().normalize(message: $0, receivedAt: 1) }
        #expect(events.map(\.status) == ["sent", "received"])
        #expect(events.map(\.channel) == ["sms", "mms"])
        #expect(events[1].statusRank == nil)
        #expect(events[1].params["direction"] == .single("inbound"))
    }

    @Test func rejectsResourcesWithoutUsableIdentity() throws {
        let cases: [(String, String)] = [
            (#"[]"#, "message"),
            (#"{"account_sid":"AC0123456789abcdef0123456789abcdef","status":"sent"}"#, "sid"),
            (#"{"sid":"XX0123456789abcdef0123456789abcdef","account_sid":"AC0123456789abcdef0123456789abcdef","status":"sent"}"#, "sid"),
            (#"{"sid":"SM0123456789abcdef0123456789abcdef","status":"sent"}"#, "account_sid"),
            (#"{"sid":"SM0123456789abcdef0123456789abcdef","account_sid":"AC0123456789abcdef0123456789abcdef","status":""}"#, "status"),
            (#"{"sid":"SM0123456789abcdef0123456789abcdef","account_sid":"AC0123456789abcdef0123456789abcdef","status":null}"#, "status"),
        ]
        for (text, field) in cases {
            do {
                _ = try ReconciliationNormalizer().normalize(message: JSONValue.parse(Array(text.utf8)), receivedAt: 1)
                Issue.record("accepted \(text)")
            } catch {
                #expect(error.field == field, "\(text): \(error)")
            }
        }
    }

    @Test func unreadableDatesAreNotedAndLeftOut() throws {
        let text = #"{"sid":"SM0123456789abcdef0123456789abcdef","account_sid":"AC0123456789abcdef0123456789abcdef","status":"sent","date_sent":"yesterday","date_updated":null}"#
        let event = try ReconciliationNormalizer().normalize(message: JSONValue.parse(Array(text.utf8)), receivedAt: 1)
        #expect(event.twilioDateSent == nil)
        #expect(event.twilioDateUpdated == nil)
        #expect(event.params["date_sent"] == .single("yesterday"))
        #expect(event.notes == ["date_sent is not an RFC 2822 date; kept in params only"])
    }

    @Test func rfc2822Dates() {
        #expect(RFC2822Date.milliseconds("Fri, 24 May 2019 17:45:10 +0000") == 1_558_719_910_000)
        #expect(RFC2822Date.milliseconds("Wed, 19 Jun 2019 22:04:00 -0700") == 1_561_007_040_000)
        #expect(RFC2822Date.milliseconds("29 Feb 2024 23:59:59 GMT") == 1_709_251_199_000)
        #expect(RFC2822Date.milliseconds("Thu, 1 Jan 1970 00:00 +0000") == 0)
        for bad in ["", "Fri, 24 May 2019", "Fri, 30 Feb 2019 17:45:10 +0000", "Fri, 24 Foo 2019 17:45:10 +0000",
                    "Fri, 24 May 2019 24:00:00 +0000", "Fri, 24 May 2019 17:45:10 +00", "2019-05-24T17:45:10Z",
                    "Fri, 24 May 19 17:45:10 +0000", String(repeating: "1", count: 100)] {
            #expect(RFC2822Date.milliseconds(bad) == nil, "\(bad)")
        }
    }

    /// Adding the reconciliation source left the ids of the other sources byte-identical: values
    /// computed independently (Python: sha256 of the canonical JSON) before this change.
    @Test func idsOfOtherSourcesArePinned() throws {
        let callback = try StatusCallbackNormalizer().normalize(
            FormParameters([
                ("MessageSid", "SM0123456789abcdef0123456789abcdef"), ("AccountSid", "AC0123456789abcdef0123456789abcdef"),
                ("MessageStatus", "delivered"), ("From", "+15005550006"), ("To", "+15558675310"), ("ApiVersion", "2010-04-01"),
            ]),
            receivedAt: 1
        )
        #expect(callback.id == "91fd78e82e91a4496b0d458d99db7b0f311b34d83f5549b5f2c52ecbc87562a2")
        let streams = #"[{"specversion":"1.0","type":"com.twilio.messaging.message.delivered","id":"EZ0123","source":"/2010-04-01/Accounts/AC0123456789abcdef0123456789abcdef/Messages/SM0123456789abcdef0123456789abcdef.json","data":{"messageSid":"SM0123456789abcdef0123456789abcdef","accountSid":"AC0123456789abcdef0123456789abcdef","messageStatus":"DELIVERED","errorCode":30008}}]"#
        let event = try #require(try EventStreamsNormalizer().normalize(body: Array(streams.utf8), receivedAt: 1).events.first)
        #expect(event.id == "17f2b62cb2afae8bcbee4016a59e8109ee427ce22554bbb988f48729889a2fe9")
    }
}
