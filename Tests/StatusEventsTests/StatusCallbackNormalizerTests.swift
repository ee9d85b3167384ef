import StatusEvents
import Testing

@Suite struct StatusCallbackNormalizerTests {
    static let messageSid = "SM0123456789abcdef0123456789abcdef"
    static let accountSid = "AC0123456789ABCDEF0123456789abcdef"
    static let normalizer = StatusCallbackNormalizer(nodeId: "edge-1")

    static func base(_ extra: [(String, String)] = [], status: String = "delivered") -> FormParameters {
        FormParameters([
            ("MessageSid", messageSid), ("AccountSid", accountSid), ("MessageStatus", status),
            ("From", "+15017122661"), ("To", "+15558675310"), ("ApiVersion", "2010-04-01"),
        ] + extra)
    }

    func normalize(_ parameters: FormParameters) throws(WebhookError) -> StatusEvent {
        try Self.normalizer.normalize(parameters, idempotencyToken: "tok-1", homeRegion: "ie1", receivedAt: 1_764_423_605_123)
    }

    func failure(_ parameters: FormParameters) -> WebhookError? {
        do {
            _ = try normalize(parameters)
            return nil
        } catch {
            return error
        }
    }

    @Test func typicalCallback() throws {
        let event = try normalize(Self.base([("MessagingServiceSid", "MG0123456789abcdef0123456789abcdef"), ("SmsStatus", "delivered")]))
        #expect(event.schemaVersion == 1)
        #expect(event.messageSid == Self.messageSid)
        #expect(event.accountSid == Self.accountSid)
        #expect(event.messagingServiceSid == "MG0123456789abcdef0123456789abcdef")
        #expect(event.status == "delivered")
        #expect(event.statusRank == MessageLifecycle.rank(of: "delivered"))
        #expect(event.errorCode == nil)
        #expect(event.channel == "sms")
        #expect(event.from == "+15017122661")
        #expect(event.to == "+15558675310")
        #expect(event.receivedAt == 1_764_423_605_123)
        #expect(event.source == .statusCallback)
        #expect(event.ingress == StatusEvent.IngressInfo(nodeId: "edge-1", idempotencyToken: "tok-1", homeRegion: "ie1"))
        #expect(event.params["ApiVersion"] == .single("2010-04-01"))
        #expect(event.params.count == 8)
        #expect(event.notes.isEmpty)
        #expect(event.id.count == 64)
        #expect(event.id.allSatisfy { $0.isHexDigit && !$0.isUppercase })
    }

    @Test func requiredFieldsNameTheField() {
        let cases: [(FormParameters, WebhookError.Code, String)] = [
            (FormParameters([("AccountSid", Self.accountSid), ("MessageStatus", "sent")]), .missingField, "MessageSid"),
            (FormParameters([("MessageSid", "SM123"), ("AccountSid", Self.accountSid), ("MessageStatus", "sent")]), .invalidField, "MessageSid"),
            (FormParameters([("MessageSid", "XX0123456789abcdef0123456789abcdef"), ("AccountSid", Self.accountSid), ("MessageStatus", "sent")]), .invalidField, "MessageSid"),
            (FormParameters([("MessageSid", "SM0123456789abcdef0123456789abcdeg"), ("AccountSid", Self.accountSid), ("MessageStatus", "sent")]), .invalidField, "MessageSid"),
            (FormParameters([("MessageSid", Self.messageSid), ("AccountSid", Self.accountSid)]), .missingField, "MessageStatus"),
            (FormParameters([("MessageSid", Self.messageSid), ("AccountSid", Self.accountSid), ("MessageStatus", "")]), .invalidField, "MessageStatus"),
            (FormParameters([("MessageSid", Self.messageSid), ("MessageStatus", "sent")]), .missingField, "AccountSid"),
            (FormParameters([("MessageSid", Self.messageSid), ("AccountSid", "AC123"), ("MessageStatus", "sent")]), .invalidField, "AccountSid"),
            (FormParameters([("MessageSid", Self.messageSid), ("AccountSid", " " + Self.accountSid), ("MessageStatus", "sent")]), .invalidField, "AccountSid"),
        ]
        for (parameters, code, field) in cases {
            let error = failure(parameters)
            #expect(error?.code == code, "\(field)")
            #expect(error?.field == field)
            #expect(error?.message.contains(field) == true)
        }
    }

    @Test func legacySmsStatusIsAccepted() throws {
        let event = try normalize(FormParameters([("MessageSid", Self.messageSid), ("AccountSid", Self.accountSid), ("SmsStatus", "Sent")]))
        #expect(event.status == "sent")
        #expect(event.statusRank == MessageLifecycle.rank(of: "sent"))
    }

    @Test func unknownStatusIsCarriedWithNullRank() throws {
        let event = try normalize(Self.base(status: "Teleported"))
        #expect(event.status == "teleported")
        #expect(event.statusRank == nil)
        #expect(event.notes.contains { $0.contains("unknown status") })
        let inbound = try normalize(Self.base(status: "received"))
        #expect(inbound.statusRank == nil)
        #expect(inbound.notes.isEmpty)
    }

    @Test func errorCodes() throws {
        #expect(try normalize(Self.base([("ErrorCode", "30003")], status: "undelivered")).errorCode == .numeric(30003))
        let text = try normalize(Self.base([("ErrorCode", "30003a")], status: "failed"))
        #expect(text.errorCode == .text("30003a"))
        #expect(text.notes.contains { $0.contains("ErrorCode") })
        #expect(try normalize(Self.base([("ErrorCode", "+5")])).errorCode == .text("+5"))
        #expect(try normalize(Self.base([("ErrorCode", "")])).errorCode == nil)
    }

    /// `YYMMDDhhmm` has no time zone: valid values stay verbatim, read as a carrier-local minute,
    /// and are never presented as a UTC instant.
    @Test(arguments: [
        ("2611291340", "2026-11-29T13:40"), ("2402291200", "2024-02-29T12:00"), ("0001010000", "2000-01-01T00:00"),
        ("9912312359", "2099-12-31T23:59"),
    ])
    func rawDlrDoneDateIsCarrierLocalNotAnInstant(raw: String, local: String) throws {
        let event = try normalize(Self.base([("RawDlrDoneDate", raw)]))
        #expect(event.rawDlrDoneDate == raw)
        #expect(event.dlrDoneAt == nil)
        #expect(event.notes.isEmpty)
        #expect(DlrDoneDate.read(raw) == .carrierLocal(local))
    }

    @Test(arguments: ["2302291200", "2613011200", "2611312400", "2611291360", "261129134", "26112913400", "26-1129134", "２６１１２９１３４０", "2600001340"])
    func invalidRawDlrDoneDateIsNullWithNote(raw: String) throws {
        let event = try normalize(Self.base([("RawDlrDoneDate", raw)]))
        #expect(event.rawDlrDoneDate == raw)
        #expect(event.dlrDoneAt == nil)
        #expect(event.notes.contains { $0.contains("RawDlrDoneDate") })
    }

    @Test func channelDetection() throws {
        func channel(_ extra: [(String, String)], from: String = "+1", to: String = "+2", sid: String = Self.messageSid) throws -> String? {
            try normalize(FormParameters([("MessageSid", sid), ("AccountSid", Self.accountSid), ("MessageStatus", "sent"), ("From", from), ("To", to)] + extra)).channel
        }
        #expect(try channel([]) == "sms")
        #expect(try channel([], sid: "MM0123456789abcdef0123456789abcdef") == "mms")
        #expect(try channel([], from: "whatsapp:+14155238886") == "whatsapp")
        #expect(try channel([], to: "WhatsApp:+447700900123", sid: "MM0123456789abcdef0123456789abcdef") == "whatsapp")
        #expect(try channel([], from: "rcs:brand_agent") == "rcs")
        #expect(try channel([], from: "messenger:12345") == "messenger")
        #expect(try channel([("ChannelPrefix", "RCS")], from: "whatsapp:+1") == "rcs")
        #expect(try channel([], from: "tel:+1555") == "sms")
    }

    /// As the signature sees them: sorted by bytes, exact duplicates dropped.
    @Test func repeatedParametersBecomeSortedDistinctArrays() throws {
        let event = try normalize(Self.base([("Tag", "b"), ("Tag", "a"), ("Tag", "b"), ("Unknown", "")]))
        #expect(event.params["Tag"] == .multiple(["a", "b"]))
        #expect(event.params["Unknown"] == .single(""))
    }

    @Test func idIsDeterministicAndIgnoresDeliveryMetadata() throws {
        let parameters = Self.base([("ErrorCode", "30003")])
        let first = try Self.normalizer.normalize(parameters, idempotencyToken: "a", homeRegion: "us1", receivedAt: 1)
        let second = try StatusCallbackNormalizer(nodeId: "edge-2").normalize(parameters, idempotencyToken: "b", homeRegion: "ie1", receivedAt: 999_999)
        #expect(first.id == second.id)
        // Parameter order does not matter (Twilio's duplicates may be re-serialized).
        let shuffled = FormParameters(parameters.reversed().map { ($0.name, $0.value) })
        #expect(try normalize(shuffled).id == first.id)
        #expect(first.id == EventID.compute(source: .statusCallback, parameters: parameters))
    }

    @Test func idChangesWithAnyParameter() throws {
        let parameters = Self.base([("ErrorCode", "30003"), ("Tag", "x"), ("Tag", "y")])
        let original = try normalize(parameters).id
        var seen: Set<String> = [original]
        for index in parameters.indices {
            var pairs = parameters.map { ($0.name, $0.value) }
            pairs[index].1 += "!"
            let changedValue = try? normalize(FormParameters(pairs)).id
            var renamed = parameters.map { ($0.name, $0.value) }
            renamed[index].0 += "X"
            let changedName = try? normalize(FormParameters(renamed)).id
            for id in [changedValue, changedName].compactMap({ $0 }) {
                #expect(!seen.contains(id))
                seen.insert(id)
            }
        }
        // An extra parameter, a dropped one and the source count; reordered or repeated values of
        // a name do not (the signature does not see them either).
        #expect(try normalize(Self.base([("ErrorCode", "30003"), ("Tag", "x"), ("Tag", "y"), ("New", "")])).id != original)
        #expect(try normalize(Self.base([("ErrorCode", "30003"), ("Tag", "x")])).id != original)
        #expect(try normalize(Self.base([("ErrorCode", "30003"), ("Tag", "y"), ("Tag", "x")])).id == original)
        #expect(try normalize(Self.base([("ErrorCode", "30003"), ("Tag", "y"), ("Tag", "x"), ("Tag", "y")])).id == original)
        #expect(EventID.compute(source: .eventStreams, parameters: parameters) != original)
        // Boundaries between names and values are unambiguous.
        #expect(EventID.compute(source: .statusCallback, parameters: [("ab", "c")]) != EventID.compute(source: .statusCallback, parameters: [("a", "bc")]))
    }

    @Test func sidValidation() {
        #expect(StatusCallbackNormalizer.isMessageSid("MM0123456789ABCDEF0123456789abcdef"))
        #expect(!StatusCallbackNormalizer.isMessageSid("sm0123456789abcdef0123456789abcdef"))
        #expect(!StatusCallbackNormalizer.isMessageSid("SM0123456789abcdef0123456789abcde"))
        #expect(!StatusCallbackNormalizer.isMessageSid("SM0123456789abcdef0123456789abcdefa"))
        #expect(!StatusCallbackNormalizer.isMessageSid("SM0123456789abcdef0123456789abcdé"))
        #expect(StatusCallbackNormalizer.isAccountSid("AC0123456789abcdef0123456789abcdef"))
        #expect(!StatusCallbackNormalizer.isAccountSid("SM0123456789abcdef0123456789abcdef"))
    }
}
