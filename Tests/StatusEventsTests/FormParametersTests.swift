import StatusEvents
import Testing
import TestSupport

@Suite struct FormParametersTests {
    func parse(_ text: String) throws(WebhookError) -> [[String]] {
        try FormParameters.parse(Array(text.utf8)).map { [$0.name, $0.value] }
    }

    func malformedDetail(_ bytes: [UInt8]) -> String? {
        do {
            _ = try FormParameters.parse(bytes)
            return nil
        } catch {
            #expect(error.code == .malformedBody)
            #expect(error.reason == "malformed_body")
            return error.detail
        }
    }

    @Test func plusIsSpaceAndEscapesDecode() throws {
        #expect(try parse("a=b+c&d=%2B%20%26%3D") == [["a", "b c"], ["d", "+ &="]])
        #expect(try parse("na+me=v") == [["na me", "v"]])
        #expect(try parse("x=%e2%9c%93&y=%E2%9C%93") == [["x", "✓"], ["y", "✓"]])
    }

    @Test func repeatedKeysKeepOrder() throws {
        let parameters = try FormParameters.parse(Array("t=2&a=1&t=1&t=2".utf8))
        #expect(parameters.all("t") == ["2", "1", "2"])
        #expect(parameters.first("t") == "2")
        #expect(parameters.first("missing") == nil)
        #expect(parameters.map(\.name) == ["t", "a", "t", "t"])
    }

    @Test func emptyValuesAndBareKeysAreKept() throws {
        #expect(try parse("a=&b&c=1&=v&d==") == [["a", ""], ["b", ""], ["c", "1"], ["", "v"], ["d", "="]])
    }

    @Test func emptySegmentsCarryNoParameter() throws {
        #expect(try parse("") == [])
        #expect(try parse("&&a=1&&") == [["a", "1"]])
    }

    @Test func whitespaceIsNeverTrimmed() throws {
        #expect(try parse("%20a%20=%20b%20&c=+") == [[" a ", " b "], ["c", " "]])
        #expect(try parse("t=%09tab%0A") == [["t", "\ttab\n"]])
    }

    @Test func rawUTF8IsAccepted() throws {
        #expect(try parse("emoji=😀&cjk=中文") == [["emoji", "😀"], ["cjk", "中文"]])
    }

    @Test func nfcAndNfdStayDistinct() throws {
        let parameters = try FormParameters.parse(Array("v=caf%C3%A9&v=cafe%CC%81".utf8))
        #expect(parameters.all("v").map { Array($0.utf8) } == [Array("caf\u{E9}".utf8), Array("cafe\u{301}".utf8)])
    }

    @Test(arguments: ["a=%", "a=%2", "a=%zz", "a=%2g", "%=1", "a=ok&b=100%", "a=%%41"])
    func brokenEscapeIsMalformed(body: String) {
        #expect(malformedDetail(Array(body.utf8)) == "invalid_percent_escape")
    }

    @Test(arguments: [[0x61, 0x3D, 0xFF], [0x61, 0x3D, 0xC3], [0xED, 0xA0, 0x80, 0x3D, 0x31]] as [[UInt8]])
    func invalidRawUTF8IsMalformed(body: [UInt8]) {
        #expect(malformedDetail(body) == "invalid_utf8")
    }

    @Test(arguments: ["a=%FF", "a=%C3", "a=%C3%28", "a=%ED%A0%80", "a=%C0%AF"])
    func invalidDecodedUTF8IsMalformed(body: String) {
        #expect(malformedDetail(Array(body.utf8)) == "invalid_utf8")
    }

    @Test func errorsAreSpecificAndPointAtTheOffset() {
        do {
            _ = try FormParameters.parse(Array("ok=1&bad=%G1".utf8))
            Issue.record("expected an error")
        } catch {
            #expect(error.message.contains("offset 9"))
        }
    }

    @Test func nonContiguousCollectionsParseTheSame() throws {
        let text = "a=1&b=%20x+y"
        let lazy = text.utf8.lazy.map { $0 }
        #expect(try FormParameters.parse(lazy) == FormParameters.parse(Array(text.utf8)))
        #expect(try FormParameters.parse(query: text).all("b") == [" x y"])
    }

    /// Arbitrary bytes never crash: they parse or fail with a malformed_body reason, and whatever
    /// parses survives a re-encode/re-parse round trip.
    @Test func randomBytesNeverCrash() throws {
        var generator = SeededGenerator(seed: 0x5EED)
        let alphabet: [UInt8] = Array("ab=&%+2fF0Gz".utf8) + [0x00, 0x7F, 0x80, 0xC3, 0xA9, 0xFF, 0xE2, 0x9C, 0x93]
        var parsedCount = 0
        for _ in 0..<20_000 {
            let length = Int(generator.next() % 40)
            let bytes = (0..<length).map { _ in alphabet[Int(generator.next() % UInt64(alphabet.count))] }
            do {
                let parameters = try FormParameters.parse(bytes)
                parsedCount += 1
                let reencoded = parameters.map { percentEncode($0.name) + "=" + percentEncode($0.value) }.joined(separator: "&")
                let again = try FormParameters.parse(Array(reencoded.utf8))
                #expect(again.map { Array($0.name.utf8) } == parameters.map { Array($0.name.utf8) })
                #expect(again.map { Array($0.value.utf8) } == parameters.map { Array($0.value.utf8) })
            } catch {
                #expect(error.code == .malformedBody)
                #expect(error.detail == "invalid_percent_escape" || error.detail == "invalid_utf8")
            }
        }
        #expect(parsedCount > 1000)
    }

    func percentEncode(_ text: String) -> String {
        var result = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                result.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                result += "%" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
            }
        }
        return result
    }
}

extension String {
    func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
