import StatusEvents
import Testing

@Suite struct JSONValueTests {
    @Test func parsesAndReencodes() throws {
        let text = #"{"a":[1,-2.5e3,true,false,null],"b":"x\"\\\/\b\f\n\r\t\u00e9\ud83d\ude00","c":{}}"#
        let value = try JSONValue.parse(Array(text.utf8))
        #expect(value["b"]?.stringValue == "x\"\\/\u{8}\u{c}\n\r\té😀")
        #expect(value["a"] == .array([.number("1"), .number("-2.5e3"), .bool(true), .bool(false), .null]))
        #expect(try JSONValue.parse(Array(value.jsonText.utf8)) == value)
    }

    @Test(arguments: ["01", "1.", "-", "+1", "[1,]", "{\"a\"}", "tru", "\"\u{01}\"", "\"\\x\"", "[] []", "{\"a\":1 \"b\":2}"])
    func rejectsInvalidJSON(text: String) {
        #expect(throws: WebhookError.self) { try JSONValue.parse(Array(text.utf8)) }
    }
}
