import Foundation
import StatusEvents
import Testing
import TestSupport

/// The direct decoder behind `StatusEventCodec.decode` against the former tree-based decoder
/// (`ReferenceEventDecoder`): for every input both must return the same event or throw the same
/// error (code, detail and message, byte offsets included).
@Suite struct StatusEventDecoderTests {
    enum Outcome: Equatable, CustomStringConvertible {
        case event(StatusEvent)
        case error(WebhookError)

        var description: String {
            switch self {
            case .event(let event): "event \(event.id)"
            case .error(let error): "\(error)"
            }
        }
    }

    static func decoded(_ bytes: [UInt8]) -> Outcome {
        do { return .event(try StatusEventCodec.decode(bytes)) } catch { return .error(error) }
    }

    static func reference(_ bytes: [UInt8]) -> Outcome {
        do { return .event(try ReferenceEventDecoder.decode(bytes)) } catch { return .error(error) }
    }

    static func expectSame(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) {
        expectSame(Array(text.utf8), sourceLocation: sourceLocation)
    }

    static func expectSame(_ bytes: [UInt8], sourceLocation: SourceLocation = #_sourceLocation) {
        let actual = decoded(bytes)
        let expected = reference(bytes)
        #expect(actual == expected, "input: \(String(decoding: bytes, as: UTF8.self))", sourceLocation: sourceLocation)
        // The summary decode accepts and rejects exactly what the full one does.
        #expect(summarized(bytes) == SummaryOutcome(actual), "input: \(String(decoding: bytes, as: UTF8.self))", sourceLocation: sourceLocation)
    }

    static func summarized(_ bytes: [UInt8]) -> SummaryOutcome {
        do { return .summary(try StatusEventCodec.decodeSummary(bytes)) } catch { return .error(error) }
    }

    enum SummaryOutcome: Equatable {
        case summary(StatusEventSummary)
        case error(WebhookError)

        init(_ outcome: Outcome) {
            switch outcome {
            case .event(let event): self = .summary(StatusEventSummary(event))
            case .error(let error): self = .error(error)
            }
        }
    }

    static func encodedSamples() throws -> [String] {
        try StatusEventCodecTests.samples().map { String(decoding: StatusEventCodec.encode($0), as: UTF8.self) }
    }

    /// A minimal valid event; `extra` is spliced in as further top-level members.
    static func minimal(_ extra: String = "") -> String {
        #"{"schemaVersion":1,"id":"x","messageSid":"SM0123456789abcdef0123456789abcdef","accountSid":"AC0123456789abcdef0123456789abcdef","status":"sent","receivedAt":5,"source":"status-callback""#
            + extra + "}"
    }

    @Test func samplesDecodeLikeTheReference() throws {
        for (event, text) in zip(try StatusEventCodecTests.samples(), try Self.encodedSamples()) {
            #expect(Self.decoded(Array(text.utf8)) == .event(event))
            Self.expectSame(text)
        }
    }

    @Test func missingOptionalMembersReadAsNil() throws {
        let event = try StatusEventCodec.decode(Array(Self.minimal().utf8))
        #expect(event.messagingServiceSid == nil && event.statusRank == nil && event.errorCode == nil)
        #expect(event.ingress == StatusEvent.IngressInfo() && event.params.isEmpty && event.notes.isEmpty)
        Self.expectSame(Self.minimal())
    }

    @Test func whitespaceByteOrderMarkAndPrettyPrinting() throws {
        for text in try Self.encodedSamples() {
            let object = try JSONSerialization.jsonObject(with: Data(text.utf8))
            let pretty = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])
            let expected = try StatusEventCodec.decode(Array(text.utf8))
            #expect(try StatusEventCodec.decode(Array(pretty)) == expected)
            #expect(try StatusEventCodec.decode([0xEF, 0xBB, 0xBF] + Array(text.utf8)) == expected)
            #expect(try StatusEventCodec.decode(Array(" \t\r\n\(text) \n".utf8)) == expected)
            Self.expectSame(Array(pretty))
        }
    }

    @Test func escapesInValuesAndMemberNames() throws {
        let text = Self.minimal(
            #","from":"a\"b\\c\/d\b\f\n\r\t\u0000\u001f\u00e9\u4e2d\ud83d\ude00","params":{"K\u00e9y":"v\u2028","\u0054o":["\ud834\udd1e","x"]},"ingress":{"node\u0049d":"n\/1"}"#
        )
        let event = try StatusEventCodec.decode(Array(text.utf8))
        #expect(event.from == "a\"b\\c/d\u{8}\u{c}\n\r\t\u{0}\u{1F}é中😀")
        #expect(event.params["Kéy"] == .single("v\u{2028}"))
        #expect(event.params["To"] == .multiple(["𝄞", "x"]))
        #expect(event.ingress.nodeId == "n/1")
        // A top-level name spelled with escapes is still that member.
        let escapedName = Self.minimal().replacingOccurrences(of: #""status":"sent""#, with: #""st\u0061tus":"sent""#)
        #expect(try StatusEventCodec.decode(Array(escapedName.utf8)).status == "sent")
        Self.expectSame(text)
        Self.expectSame(escapedName)
    }

    @Test func rawUnicodeAndCanonicallyEquivalentParamNames() throws {
        // NFC and NFD spellings are one Swift key; the later member wins, as before.
        let text = Self.minimal(#","to":"中文 😀","params":{"Caf\#u{E9}":"nfc","Cafe\#u{301}":"nfd","Émoji 😀":"中文"},"notes":["é"]"#)
        let event = try StatusEventCodec.decode(Array(text.utf8))
        #expect(event.to == "中文 😀")
        #expect(event.params.count == 2)
        #expect(event.params["Café"] == .single("nfd"))
        #expect(event.notes == ["é"])
        Self.expectSame(text)
    }

    @Test func unknownMembersAreValidatedAndSkipped() throws {
        let unknown = #","future":{"a":[1,-2.5e+3,true,false,null,{"b":"\u00e9"}],"c":{}},"n":-0.5E-7,"e":[],"s":"é""#
        let text = Self.minimal(unknown)
        #expect(try StatusEventCodec.decode(Array(text.utf8)) == StatusEventCodec.decode(Array(Self.minimal().utf8)))
        Self.expectSame(text)
        Self.expectSame(Self.minimal(#","ingress":{"other":[1,{"x":null}],"nodeId":"n"}"#))
        // Unknown members must still be valid JSON.
        for bad in [#","future":[1,]"#, #","future":tru"#, #","future":"\x""#, #","future":01"#, #","future":{"a" 1}"#] {
            Self.expectSame(Self.minimal(bad))
            #expect(throws: WebhookError.self) { try StatusEventCodec.decode(Array(Self.minimal(bad).utf8)) }
        }
    }

    @Test func firstDuplicateMemberWinsAndLaterOnesAreOnlyValidated() throws {
        let text = Self.minimal(#","status":"delivered","from":"a","from":7,"ingress":{"nodeId":"1","nodeId":[]},"ingress":"x""#)
        let event = try StatusEventCodec.decode(Array(text.utf8))
        #expect(event.status == "sent")
        #expect(event.from == "a")
        #expect(event.ingress.nodeId == "1")
        Self.expectSame(text)
        // Repeated params names: the last one wins.
        let params = Self.minimal(#","params":{"A":"1","A":["2","3"]}"#)
        #expect(try StatusEventCodec.decode(Array(params.utf8)).params["A"] == .multiple(["2", "3"]))
        Self.expectSame(params)
    }

    /// Param values that repeat a sid share its string; spelled with escapes, placed before the
    /// sids, or differing in one byte they are still read as written.
    @Test func paramsRepeatingSidsDecodeAsWritten() throws {
        let sid = "SM0123456789abcdef0123456789abcdef"
        let cases = [
            Self.minimal(#","params":{"MessageSid":"\#(sid)","SmsSid":"SM0123456789abcdef0123456789abcdef","X":"SM0123456789abcdef0123456789abcdeF"}"#),
            #"{"params":{"MessageSid":"\#(sid)","AccountSid":"AC0123456789abcdef0123456789abcdef"},"# + Self.minimal().dropFirst(),
        ]
        for text in cases {
            let event = try StatusEventCodec.decode(Array(text.utf8))
            #expect(event.params["MessageSid"] == .single(sid))
            Self.expectSame(text)
        }
        let first = try StatusEventCodec.decode(Array(cases[0].utf8))
        #expect(first.params["SmsSid"] == .single(sid))
        #expect(first.params["X"] == .single("SM0123456789abcdef0123456789abcdeF"))
    }

    @Test func integerEdgeCases() throws {
        for value in ["9223372036854775807", "-9223372036854775808", "9223372036854775808", "-9223372036854775809", "-0", "0", "1.0", "1e3", "12345678901234567890123"] {
            Self.expectSame(Self.minimal().replacingOccurrences(of: #""receivedAt":5"#, with: #""receivedAt":\#(value)"#))
            Self.expectSame(Self.minimal(#","statusRank":\#(value)"#))
            Self.expectSame(Self.minimal(#","errorCode":\#(value)"#))
            Self.expectSame(Self.minimal().replacingOccurrences(of: #""schemaVersion":1"#, with: #""schemaVersion":\#(value)"#))
        }
        let max = Self.minimal().replacingOccurrences(of: #""receivedAt":5"#, with: #""receivedAt":9223372036854775807"#)
        #expect(try StatusEventCodec.decode(Array(max.utf8)).receivedAt == Int64.max)
    }

    /// Every member with every wrong JSON type: the same error as before, in the same order.
    @Test func wrongTypesGiveTheSameErrors() throws {
        let members = ["schemaVersion", "id", "messageSid", "accountSid", "messagingServiceSid", "status", "statusRank", "errorCode",
                       "eventType", "channel", "from", "to", "rawDlrDoneDate", "dlrDoneAt", "receivedAt", "source", "ingress", "params", "notes",
                       "twilioDateSent", "twilioDateUpdated", "twilioTimestamp"]
        let values = ["null", "true", "1", "-1.5", "\"s\"", "[]", "[\"a\",1]", "{}", "{\"nodeId\":1}", "{\"a\":1}", "{\"a\":[\"b\",{}]}"]
        let good = try Self.encodedSamples()[1]
        for member in members {
            for value in values {
                // As the first member (so it wins over the real one) and as the only one.
                Self.expectSame("{\"\(member)\":\(value)," + good.dropFirst())
                Self.expectSame(Self.minimal(",\"\(member)\":\(value)"))
            }
        }
        for member in ["nodeId", "idempotencyToken", "homeRegion"] {
            for value in values { Self.expectSame(Self.minimal(#","ingress":{"\#(member)":\#(value)}"#)) }
        }
        for value in values {
            Self.expectSame(Self.minimal(#","params":{"a":"b","x":\#(value),"y":7}"#))
            Self.expectSame(Self.minimal(#","notes":["a",\#(value),"b"]"#))
        }
        // Several problems at once: the former order decides which is reported.
        Self.expectSame(#"{"notes":1,"params":1,"ingress":1,"errorCode":{},"receivedAt":"x","source":"y","schemaVersion":1}"#)
        Self.expectSame(#"{"to":1,"from":1,"status":1,"id":1,"schemaVersion":1,"source":"event-streams","receivedAt":1}"#)
        Self.expectSame("[]")
        Self.expectSame("\"event\"")
        Self.expectSame("[1,")
    }

    @Test func malformedInputGivesTheSameErrors() throws {
        let good = try Self.encodedSamples()[1]
        let cases = [
            "", " ", "{", "}", "{\"a\"", "{\"a\":", "{\"a\":1", "{\"a\":1,}", "{,}", "{\"a\" 1}", "{\"a\":1 \"b\":2}", "{} {}", "{}x",
            "{\"a\":\"\u{01}\"}", "{\"a\":\"\\x\"}", "{\"a\":\"\\u12\"}", "{\"a\":\"\\u12G4\"}", "{\"a\":\"\\ud800\"}", "{\"a\":\"\\ud800\\u0041\"}",
            "{\"a\":\"\\udc00\"}", "{\"a\":\"\\ud800\\", "{\"a\":\"abc", "{\"a\":\"abc\\", "{\"a\":-}", "{\"a\":1.}", "{\"a\":1e}", "{\"a\":nul}",
            "{\"a\":[1 2]}", "{\"a\":[", String(repeating: "[", count: 70), "{\"a\":" + String(repeating: "[", count: 70) + String(repeating: "]", count: 70) + "}",
            String(good.dropLast()), good + ",", good.replacingOccurrences(of: ":", with: " : "),
        ]
        for text in cases { Self.expectSame(text) }
        // Invalid UTF-8 in a value, a member name, an unknown member and params.
        let bytes = Array(Self.minimal().utf8)
        for insertion in [[0xFF], [0xC3], [0xE2, 0x82], [0xED, 0xA0, 0x80], [0xC0, 0x80], [0xF4, 0x90, 0x80, 0x80]] as [[UInt8]] {
            for marker in ["\"x\"", "\"id\"", "\"sent\""].map({ Array($0.utf8) }) {
                let start = try #require(bytes.indices.first { bytes[$0...].starts(with: marker) })
                var mutated = bytes
                mutated.insert(contentsOf: insertion, at: start + 2)
                Self.expectSame(mutated)
                #expect(throws: WebhookError.self) { try StatusEventCodec.decode(mutated) }
            }
            Self.expectSame(Array(Self.minimal(",\"u\":\"").utf8) + insertion + Array("\"}".utf8))
            Self.expectSame(Array(Self.minimal(",\"params\":{\"").utf8) + insertion + Array("\":\"v\"}".utf8))
        }
    }

    /// Random mutations of real events (byte flips, JSON punctuation, deletions, truncation) and
    /// random bytes: never a crash, always the reference's answer.
    @Test func mutatedAndRandomInputAgreesWithTheReference() throws {
        var generator = SeededGenerator(seed: 0xDEC0DE)
        let samples = try Self.encodedSamples().map { Array($0.utf8) }
        let punctuation: [UInt8] = Array("{}[]:,\"\\ -0123456789.eEtfnu\u{7F}".utf8) + [0x00, 0x0A, 0xC3, 0xA9, 0xFF, 0x80]
        var disagreements = 0
        var accepted = 0
        for round in 0..<4000 {
            var bytes = samples[Int(generator.next() % UInt64(samples.count))]
            for _ in 0..<(1 + Int(generator.next() % 3)) where !bytes.isEmpty {
                let position = Int(generator.next() % UInt64(bytes.count))
                switch generator.next() % 5 {
                case 0: bytes[position] = punctuation[Int(generator.next() % UInt64(punctuation.count))]
                case 1: bytes.insert(punctuation[Int(generator.next() % UInt64(punctuation.count))], at: position)
                case 2: bytes.remove(at: position)
                case 3: bytes.removeSubrange(position...)
                default: bytes[position] ^= UInt8(truncatingIfNeeded: generator.next() | 1)
                }
            }
            if round % 10 == 0 { bytes = (0..<Int(generator.next() % 64)).map { _ in UInt8(truncatingIfNeeded: generator.next()) } }
            let actual = Self.decoded(bytes)
            if actual != Self.reference(bytes) || Self.summarized(bytes) != SummaryOutcome(actual) {
                disagreements += 1
                if disagreements <= 5 { Self.expectSame(bytes) }
            }
            if case .event = actual { accepted += 1 }
        }
        #expect(disagreements == 0)
        // The mutations must exercise both outcomes.
        #expect(accepted > 0)
    }
}
