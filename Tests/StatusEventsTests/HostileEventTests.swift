import StatusEvents
import Testing

/// Issue 16 case 3, in our own decoder: what the topic may hold that PostgreSQL refused (a huge
/// exponent, a 3,002-character messageSid) must neither crash nor overflow here, and the messageSid
/// rule (MessageSidRule) sends an absurd sid to the dead-letter topic for every sink alike.
@Suite struct HostileEventTests {
    static let minimal = StatusEventDecoderTests.minimal()

    @Test(arguments: ["1e999999", "-1e-999999", "1E+99999999999999999999999", "-0", "0e0", "-0.0", "123456789012345678901234567890"])
    func hugeOrOddNumbersInUnknownMembersAreKept(number: String) throws {
        let text = StatusEventDecoderTests.minimal(#","aMemberFromTheFuture":"# + number)
        #expect(throws: Never.self) { try StatusEventCodec.decode(Array(text.utf8)) }
        StatusEventDecoderTests.expectSame(text)
    }

    @Test(arguments: ["1e999999", "9223372036854775808", "-9223372036854775809", "1e18", "-0", "5.0"])
    func receivedAtThatIsNoInt64IsRefusedOrExact(number: String) {
        let text = Self.minimal.replacingOccurrences(of: #""receivedAt":5"#, with: #""receivedAt":"# + number)
        switch StatusEventDecoderTests.decoded(Array(text.utf8)) {
        case .event(let event):
            // Only an exact integer may pass.
            #expect(Int64(number) == event.receivedAt || (number == "-0" && event.receivedAt == 0), "\(number)")
        case .error:
            break
        }
        StatusEventDecoderTests.expectSame(text)
    }

    @Test(arguments: [
        ("SM0123456789abcdef0123456789abcdef", true), ("SM1", true), ("m", true), ("SMa_b-c", true),
        (String(repeating: "a", count: 64), true), (String(repeating: "a", count: 65), false), ("", false),
        ("SM 1", false), ("SM/1", false), ("SM\u{0}", false), ("SMé", false), ("SM" + String(repeating: "ab", count: 1500), false),
    ])
    func messageSidRule(sid: String, accepted: Bool) {
        #expect(MessageSidRule.accepts(sid) == accepted)
        let text = Self.minimal.replacingOccurrences(of: "SM0123456789abcdef0123456789abcdef", with: sid.replacingOccurrences(of: "\u{0}", with: "\\u0000"))
        switch StatusEventDecoderTests.decoded(Array(text.utf8)) {
        case .event: #expect(accepted, "\(sid.prefix(40)) decoded")
        case .error(let error): #expect(!accepted && "\(error)".contains("messageSid must be"), "\(error)")
        }
        StatusEventDecoderTests.expectSame(text)
    }
}
