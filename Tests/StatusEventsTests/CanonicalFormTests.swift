@testable import StatusEvents
import Testing
import TestSupport

/// The event id and the normalized event are functions of exactly what the signature covers
/// (names sorted, each name's values sorted and de-duplicated), so whatever verifies the same is
/// the same event (issue 16, item 2).
@Suite struct CanonicalFormTests {
    static let url = "https://relay.example.com/twilio/message-status"
    static let token = "12345678901234567890123456789012"
    static let normalizer = StatusCallbackNormalizer(nodeId: "edge-1")

    static let base: [(String, String)] = [
        ("MessageSid", "SM0123456789abcdef0123456789abcdef"), ("AccountSid", "AC0123456789ABCDEF0123456789abcdef"),
        ("MessageStatus", "delivered"), ("From", "+15017122661"), ("To", "+15558675310"), ("ApiVersion", "2010-04-01"),
    ]

    static func event(_ body: String) throws -> StatusEvent {
        try normalizer.normalize(try FormParameters.parse(Array(body.utf8)), idempotencyToken: "t", homeRegion: "us1", receivedAt: 7)
    }

    static func verifies(_ body: String, signature: String) throws -> Bool {
        let request = try WebhookRequest(
            url: url, signature: signature, contentType: "application/x-www-form-urlencoded", body: Array(body.utf8)
        )
        do {
            try SignatureVerifier(secrets: WebhookSecrets(authTokens: [token])).verify(request)
            return true
        } catch {
            return false
        }
    }

    /// The replay from the issue: a signed body with `&To=%2B15558675310` appended still verifies,
    /// and is the same event: same id, same params, same fields.
    @Test func repeatedIdenticalParameterIsTheSameEvent() throws {
        let body = "MessageSid=SM0123456789abcdef0123456789abcdef&AccountSid=AC0123456789ABCDEF0123456789abcdef"
            + "&MessageStatus=delivered&From=%2B15017122661&To=%2B15558675310&ApiVersion=2010-04-01"
        let signature = SignatureVerifier.computeSignature(url: Self.url, parameters: try FormParameters.parse(Array(body.utf8)), secret: Self.token)
        let replayed = body + "&To=%2B15558675310"
        #expect(try Self.verifies(body, signature: signature))
        #expect(try Self.verifies(replayed, signature: signature))
        let original = try Self.event(body)
        let again = try Self.event(replayed)
        #expect(again.id == original.id)
        #expect(again == original)
        #expect(again.params["To"] == .single("+15558675310"))
    }

    /// Any reordering and repetition of values that keeps the signed form keeps the id and the
    /// event; any change to the signed form changes the id.
    @Test func idAndEventFollowTheSignedForm() throws {
        var generator = SeededGenerator(seed: 0x1D16)
        let verifier = SignatureVerifier(secrets: WebhookSecrets(authTokens: [Self.token]))
        for _ in 0..<300 {
            var pairs = Self.base
            for _ in 0..<Int(generator.next() % 6) {
                pairs.append((["Tag", "Body", "X", "é", "e\u{301}"][Int(generator.next() % 5)], ["a", "b", "", "ü", "a b"][Int(generator.next() % 5)]))
            }
            // The same signed form: shuffled, with some pairs repeated.
            var variant = pairs
            for _ in 0..<Int(generator.next() % 4) { variant.append(variant[Int(generator.next() % UInt64(variant.count))]) }
            for index in variant.indices.reversed() { variant.swapAt(index, Int(generator.next() % UInt64(index + 1))) }
            let parameters = FormParameters(pairs)
            let signature = SignatureVerifier.computeSignature(url: Self.url, parameters: parameters, secret: Self.token)
            let request = WebhookRequest(
                url: Self.url, signature: signature, signatureSettings: nil, bodyKind: .form, body: [],
                parameters: FormParameters(variant), accountSid: nil
            )
            #expect(throws: Never.self) { try verifier.verify(request) }
            let left = try Self.normalizer.normalize(parameters, receivedAt: 1)
            let right = try Self.normalizer.normalize(FormParameters(variant), receivedAt: 1)
            #expect(left.id == right.id)
            #expect(left == right)
        }
    }

    /// Ids of callbacks without a repeated name are what they were before the canonical form
    /// (reference: Python's json.dumps + sha256 over the documented form); a repeated name's values
    /// are sorted and de-duplicated.
    @Test func pinnedIds() {
        #expect(
            EventID.compute(source: .statusCallback, parameters: FormParameters(Self.base))
                == "8c57db880c2162823b0a204da32c727dc457d7d11b5266c33e7936621d8d58aa"
        )
        let repeated = FormParameters(Self.base + [("Tag", "b"), ("Tag", "a"), ("Tag", "b")])
        #expect(EventID.compute(source: .statusCallback, parameters: repeated) == "566afebd9ef8544362703918adcbf5f5a54737a5e0c41a13f2becb9bf9b357fc")
    }

    /// A field the normalizer reads, repeated with different values, verifies whichever comes
    /// first: it is refused rather than normalized by received order.
    @Test(arguments: ["MessageStatus", "SmsStatus", "MessageSid", "AccountSid", "To", "From", "ErrorCode", "MessagingServiceSid", "RawDlrDoneDate"])
    func ambiguousRepeatedFieldIsRejected(field: String) throws {
        let value = Self.base.first { $0.0 == field }?.1 ?? "x1"
        for extra in [[(field, value), (field, value + "0")], [(field, value + "0"), (field, value)]] {
            let parameters = FormParameters(Self.base.filter { $0.0 != field } + extra)
            let error = #expect(throws: WebhookError.self) { try Self.normalizer.normalize(parameters, receivedAt: 1) }
            #expect(error?.code == .invalidField)
            #expect(error?.field == field)
            #expect(error?.message.contains("repeated with different values") == true)
            #expect(error?.message.contains("'\(value)0'") == true)
        }
        // The same value twice is fine: the signed form holds it once.
        let same = FormParameters(Self.base.filter { $0.0 != field } + [(field, value), (field, value)])
        let single = FormParameters(Self.base.filter { $0.0 != field } + [(field, value)])
        if let event = try? Self.normalizer.normalize(single, receivedAt: 1) {
            #expect(try Self.normalizer.normalize(same, receivedAt: 1) == event)
        }
    }
}
