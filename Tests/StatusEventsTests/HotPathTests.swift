@testable import StatusEvents
import Testing
import TestSupport

/// The word-at-a-time scanners and prefix-keyed sorts of the hot path against naive references,
/// with inputs long enough to cross 8-byte words and names that share 8-byte prefixes.
@Suite struct HotPathTests {
    static let names = [
        "MessageS", "MessageSid", "MessageStatus", "MessagingServiceSid", "Messag", "a", "a\u{0}", "a\u{0}\u{0}", "", "é", "e\u{301}",
        "Émoji 😀", "ABCDEFGH", "ABCDEFGHI", "ABCDEFGH\u{0}", "To", "From", "zz", "\u{7F}", "中文",
    ]

    @Test func nameOrderIsAStableByteOrderSort() {
        var generator = SeededGenerator(seed: 0x0DE7)
        for _ in 0..<2000 {
            let count = Int(generator.next() % 14)
            let parameters = (0..<count).map { index in
                FormParameters.Parameter(name: Self.names[Int(generator.next() % UInt64(Self.names.count))], value: "\(index)")
            }
            let (order, repeated) = UTF8Order.nameOrder(parameters)
            let expected = parameters.indices.sorted { lhs, rhs in
                let left = Array(parameters[lhs].name.utf8)
                let right = Array(parameters[rhs].name.utf8)
                return left == right ? lhs < rhs : left.lexicographicallyPrecedes(right)
            }
            #expect(order == expected)
            #expect(repeated == (Set(parameters.map { Array($0.name.utf8) }).count < parameters.count))
        }
    }

    @Test func encodedParamsAreInKeyByteOrder() throws {
        var generator = SeededGenerator(seed: 0xE4C0)
        for _ in 0..<500 {
            var params: [String: StatusEvent.ParamValue] = [:]
            for _ in 0..<Int(generator.next() % 14) {
                params[Self.names[Int(generator.next() % UInt64(Self.names.count))]] = .single("v")
            }
            let event = StatusEvent(id: "i", messageSid: "m", accountSid: "a", status: "s", statusRank: nil, receivedAt: 0, params: params)
            let encoded = try JSONValue.parse(StatusEventCodec.encode(event))
            guard case .object(let members)? = encoded["params"] else {
                Issue.record("params is not an object")
                return
            }
            let keys = members.map { Array($0.key.utf8) }
            #expect(keys == params.keys.map { Array($0.utf8) }.sorted { $0.lexicographicallyPrecedes($1) })
            #expect(try StatusEventCodec.decode(StatusEventCodec.encode(event)) == event)
        }
    }

    /// JSON string escaping: only `"`, `\` and C0 controls are escaped, short forms where JSON has them.
    @Test func stringEscapingMatchesANaiveEscaper() throws {
        let naive = Self.naiveQuoted
        var generator = SeededGenerator(seed: 0xE5C)
        let pieces = ["a", "bcdefgh", "\"", "\\", "\n", "\u{0}", "\u{1F}", "\u{7F}", "é", "😀", "中", "\u{2028}", " ", "/", "\u{8}", "\u{C}", "\r", "\t"]
        for _ in 0..<3000 {
            let text = (0..<Int(generator.next() % 30)).map { _ in pieces[Int(generator.next() % UInt64(pieces.count))] }.joined()
            let expected = naive(text)
            #expect(Array(JSONValue.string(text).jsonText.utf8) == expected)
            #expect(try JSONValue.parse(Array(JSONValue.string(text).jsonText.utf8)) == .string(text))
        }
    }

    static func naiveQuoted(_ text: String) -> [UInt8] {
        var output: [UInt8] = [0x22]
        for byte in text.utf8 {
            switch byte {
            case 0x22: output += Array(#"\""#.utf8)
            case 0x5C: output += Array(#"\\"#.utf8)
            case 0x0A: output += Array(#"\n"#.utf8)
            case 0x0D: output += Array(#"\r"#.utf8)
            case 0x09: output += Array(#"\t"#.utf8)
            case 0x08: output += Array(#"\b"#.utf8)
            case 0x0C: output += Array(#"\f"#.utf8)
            case ..<0x20: output += Array((#"\u00"# + (byte < 16 ? "0" : "") + String(byte, radix: 16)).utf8)
            default: output.append(byte)
            }
        }
        return output + [0x22]
    }

    /// Every string length around the 8-byte word and the tail word, with one byte that needs
    /// escaping (or a multi-byte character) at every position, and clean strings of every length.
    @Test func escapingTailsAtEveryLengthAndPosition() {
        for length in 0..<26 {
            let clean = String(repeating: "x", count: length)
            #expect(Array(JSONValue.string(clean).jsonText.utf8) == Self.naiveQuoted(clean), "\(length)")
            for position in 0..<length {
                for special in ["\"", "\\", "\n", "\u{0}", "\u{1F}", "é", "\u{7F}", " "] {
                    var characters = Array(repeating: "x", count: length)
                    characters[position] = special
                    let text = characters.joined()
                    #expect(Array(JSONValue.string(text).jsonText.utf8) == Self.naiveQuoted(text), "\(length) \(position) \(special.debugDescription)")
                }
            }
        }
    }

    @Test func wordAtATimeCopyAndCompareAgreeWithBytes() {
        let source: [UInt8] = (0..<40).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
        for count in 0...source.count {
            var destination = [UInt8](repeating: 0xAA, count: source.count + 8)
            source.withUnsafeBufferPointer { from in
                destination.withUnsafeMutableBufferPointer { ByteEncoding.copy(from.baseAddress!, to: $0.baseAddress!, count: count) }
            }
            #expect(Array(destination[..<count]) == Array(source[..<count]))
            #expect(destination[count...].allSatisfy { $0 == 0xAA }, "copy wrote past \(count) bytes")
            for position in 0..<max(count, 1) {
                var other = source
                if count > 0 { other[position] ^= 0x20 }
                let equal = source.withUnsafeBufferPointer { left in
                    other.withUnsafeBufferPointer { ByteEncoding.equal(left.baseAddress!, $0.baseAddress!, count: count) }
                }
                #expect(equal == (count == 0), "\(count) \(position)")
            }
            let same = source.withUnsafeBufferPointer { left in
                Array(source).withUnsafeBufferPointer { ByteEncoding.equal(left.baseAddress!, $0.baseAddress!, count: count) }
            }
            #expect(same)
        }
    }

    /// Form bodies with escapes at every offset against a naive split-and-decode reference.
    @Test func formParsingMatchesANaiveReference() {
        func reference(_ body: [UInt8]) -> [(name: [UInt8], value: [UInt8])]? {
            var result: [(name: [UInt8], value: [UInt8])] = []
            for segment in body.split(separator: UInt8(ascii: "&"), omittingEmptySubsequences: true) {
                let equals = segment.firstIndex(of: UInt8(ascii: "="))
                func decode(_ part: ArraySlice<UInt8>) -> [UInt8]? {
                    var output: [UInt8] = []
                    var index = part.startIndex
                    while index < part.endIndex {
                        let byte = part[index]
                        if byte == UInt8(ascii: "+") {
                            output.append(0x20)
                            index += 1
                        } else if byte == UInt8(ascii: "%") {
                            guard index + 2 < part.endIndex, let high = FormDecoder.hexValue(part[index + 1]),
                                let low = FormDecoder.hexValue(part[index + 2])
                            else { return nil }
                            output.append(high << 4 | low)
                            index += 3
                        } else {
                            output.append(byte)
                            index += 1
                        }
                    }
                    return String(validating: output, as: UTF8.self) == nil ? nil : output
                }
                let name = equals.map { segment[segment.startIndex..<$0] } ?? segment
                let value = equals.map { segment[($0 + 1)...] } ?? []
                guard let decodedName = decode(name), let decodedValue = decode(value) else { return nil }
                result.append((decodedName, decodedValue))
            }
            return result
        }
        var generator = SeededGenerator(seed: 0xF0F0)
        let alphabet: [UInt8] = Array("abcdefghijklmnopqrstuvwxyz=&%+2fF0GMessageSidTo".utf8) + [0x80, 0xC3, 0xA9, 0xFF]
        var parsed = 0
        for _ in 0..<5000 {
            let body = (0..<Int(generator.next() % 120)).map { _ in alphabet[Int(generator.next() % UInt64(alphabet.count))] }
            let expected = reference(body)
            do {
                let parameters = try FormParameters.parse(body)
                parsed += 1
                #expect(expected?.map(\.name) == parameters.map { Array($0.name.utf8) }, "\(body)")
                #expect(expected?.map(\.value) == parameters.map { Array($0.value.utf8) }, "\(body)")
            } catch {
                #expect(expected == nil, "\(body): \(error)")
            }
        }
        #expect(parsed > 300)
        // The interned well-known names are the names themselves.
        let callback = try? FormParameters.parse(WebhookBenchmark.body)
        #expect(callback?.map(\.name) == ["ApiVersion", "AccountSid", "MessageSid", "MessageStatus", "SmsSid", "SmsStatus", "From", "To", "MessagingServiceSid"])
    }

    @Test func stackBase64ComparisonAgreesWithTheEncoder() {
        for length in 0..<12 {
            let bytes = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 77 &+ 250) }
            var encoded: [UInt8] = []
            bytes.withUnsafeBytes { ByteEncoding.base64($0, into: &encoded) }
            bytes.withUnsafeBytes { raw in
                encoded.withUnsafeBufferPointer { #expect(ByteEncoding.base64ConstantTimeEquals(raw, $0)) }
                for position in encoded.indices {
                    var wrong = encoded
                    wrong[position] ^= 1
                    wrong.withUnsafeBufferPointer { #expect(!ByteEncoding.base64ConstantTimeEquals(raw, $0)) }
                }
                if !encoded.isEmpty { Array(encoded.dropLast()).withUnsafeBufferPointer { #expect(!ByteEncoding.base64ConstantTimeEquals(raw, $0)) } }
            }
        }
    }

    /// Output larger than the writers' stack buffers (1 KiB for the id, 2 KiB for the event)
    /// continues on the heap unchanged.
    @Test func largeEventsAndIdsOutgrowTheStackBuffer() throws {
        for size in [0, 500, 1000, 1023, 1024, 1025, 2048, 5000, 20000] {
            let big = String(repeating: "x\"é", count: size / 4) + String(repeating: "y", count: size % 4)
            let parameters = FormParameters([
                ("MessageSid", "SM0123456789abcdef0123456789abcdef"), ("AccountSid", "AC0123456789abcdef0123456789abcdef"),
                ("MessageStatus", "sent"), ("Body", big), ("Tag", "a"), ("Tag", big),
            ])
            let event = try StatusCallbackNormalizer().normalize(parameters, receivedAt: 1)
            let bytes = StatusEventCodec.encode(event)
            #expect(try StatusEventCodec.decode(bytes) == event)
            #expect(bytes == Array(Self.referenceEncoding(event).utf8))
            // The id is SHA-256 of the canonical JSON, built here by the tree writer (a repeated
            // name's values in byte order, as signed).
            let tags = ["a", big].sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
            let canonical = JSONValue.array([
                .string(EventID.version), .string("status-callback"),
                .array([
                    .array([.string("AccountSid"), .array([.string("AC0123456789abcdef0123456789abcdef")])]),
                    .array([.string("Body"), .array([.string(big)])]),
                    .array([.string("MessageSid"), .array([.string("SM0123456789abcdef0123456789abcdef")])]),
                    .array([.string("MessageStatus"), .array([.string("sent")])]),
                    .array([.string("Tag"), .array(tags.map(JSONValue.string))]),
                ]),
            ])
            #expect(event.id == SignatureVerifier.bodySHA256(Array(canonical.jsonText.utf8)))
        }
    }

    /// The literals written for the id header and the event's source are what the JSON writer
    /// writes for them, for every source.
    @Test func sourceLiteralsMatchTheWriter() {
        for source in StatusEvent.Source.allCases {
            let expected = "[" + JSONValue.string(EventID.version).jsonText + "," + JSONValue.string(source.rawValue).jsonText + ",["
            #expect(EventID.header(source).description == expected)
            let event = StatusEvent(id: "i", messageSid: "m", accountSid: "a", status: "s", statusRank: nil, receivedAt: 0, source: source)
            #expect(StatusEventCodec.encode(event) == Array(Self.referenceEncoding(event).utf8))
        }
    }

    @Test func samplesEncodeLikeTheTreeWriter() throws {
        for event in try StatusEventCodecTests.samples() {
            #expect(StatusEventCodec.encode(event) == Array(Self.referenceEncoding(event).utf8))
        }
    }

    /// The event's wire form written with the tree writer, as an independent reference.
    static func referenceEncoding(_ event: StatusEvent) -> String {
        func optional(_ text: String?) -> JSONValue { text.map(JSONValue.string) ?? .null }
        let params = event.params.sorted { Array($0.key.utf8).lexicographicallyPrecedes(Array($1.key.utf8)) }.map { entry in
            (key: entry.key, value: { () -> JSONValue in
                switch entry.value {
                case .single(let value): .string(value)
                case .multiple(let values): .array(values.map(JSONValue.string))
                }
            }())
        }
        let errorCode: JSONValue = switch event.errorCode {
        case .numeric(let code)?: .number(String(code))
        case .text(let text)?: .string(text)
        case nil: .null
        }
        // Added within v1, written only when present.
        var twilioTimes: [(key: String, value: JSONValue)] = []
        if let sent = event.twilioDateSent { twilioTimes.append(("twilioDateSent", .number(String(sent)))) }
        if let updated = event.twilioDateUpdated { twilioTimes.append(("twilioDateUpdated", .number(String(updated)))) }
        if let timestamp = event.twilioTimestamp { twilioTimes.append(("twilioTimestamp", .number(String(timestamp)))) }
        let members: [(key: String, value: JSONValue)] = [
            ("schemaVersion", .number(String(event.schemaVersion))), ("id", .string(event.id)), ("messageSid", .string(event.messageSid)),
            ("accountSid", .string(event.accountSid)), ("messagingServiceSid", optional(event.messagingServiceSid)),
            ("status", .string(event.status)), ("statusRank", event.statusRank.map { .number(String($0)) } ?? .null),
            ("errorCode", errorCode), ("eventType", optional(event.eventType)), ("channel", optional(event.channel)),
            ("from", optional(event.from)), ("to", optional(event.to)), ("rawDlrDoneDate", optional(event.rawDlrDoneDate)),
            ("dlrDoneAt", optional(event.dlrDoneAt)), ("receivedAt", .number(String(event.receivedAt))),
        ] + twilioTimes + [
            ("source", .string(event.source.rawValue)),
            ("ingress", .object([
                ("nodeId", optional(event.ingress.nodeId)), ("idempotencyToken", optional(event.ingress.idempotencyToken)),
                ("homeRegion", optional(event.ingress.homeRegion)),
            ])),
            ("params", .object(params)), ("notes", .array(event.notes.map(JSONValue.string))),
        ]
        return JSONValue.object(members).jsonText
    }

    @Test func statusLowercasingFastPathAgreesWithLowercased() {
        for text in ["delivered", "DELIVERED", "Sent", "read", "", "ünknown", "ÜNKNOWN", "a-b_c", "İ", "sent\u{0}"] {
            #expect(EventFields.lowercased(text) == text.lowercased())
        }
    }
}
