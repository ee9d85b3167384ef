#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Lexical layer for decoders that read JSON straight into typed fields, with no `JSONValue` tree.
///
/// Accepts and rejects exactly what `JSONParser` does, with the same error details and byte
/// offsets, so a direct decoder built on it fails like the tree-based one did. Every byte access is
/// bounds-checked (hostile input is expected); strings are scanned once and become `String`s
/// without an intermediate buffer unless they contain escapes.
struct JSONScanner {
    let bytes: [UInt8]
    let maxDepth: Int
    var index = 0
    var depth = 0
    /// Reused for strings with escapes.
    private var scratch: [UInt8] = []

    /// A scanned string's content (between the quotes) and what it needs to become a `String`.
    struct StringToken {
        var start: Int
        var end: Int
        var hasEscapes: Bool
        var isASCII: Bool
    }

    init(bytes: [UInt8], maxDepth: Int = 64) {
        self.bytes = bytes
        self.maxDepth = maxDepth
        // A UTF-8 byte order mark is tolerated.
        if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { index = 3 }
    }

    func error(_ message: String) -> WebhookError {
        .malformed("invalid_json", "invalid JSON at byte offset \(index): \(message)")
    }

    @inline(__always)
    mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0A, 0x0D: index += 1
            default: return
            }
        }
    }

    /// The byte at `index`, or nil at the end.
    @inline(__always)
    var current: UInt8? { index < bytes.count ? bytes[index] : nil }

    /// Skips whitespace and returns the first byte of the next value (not consumed).
    mutating func valueStart() throws(WebhookError) -> UInt8 {
        skipWhitespace()
        guard index < bytes.count else { throw error("unexpected end of input") }
        return bytes[index]
    }

    /// After the whole document: only whitespace may follow.
    mutating func finish() throws(WebhookError) {
        skipWhitespace()
        guard index == bytes.count else { throw error("unexpected data after the JSON value") }
    }

    mutating func enter() throws(WebhookError) {
        depth += 1
        guard depth <= maxDepth else { throw error("nested deeper than \(maxDepth) levels") }
    }

    // MARK: Objects and arrays

    /// Consumes `{` (at `index`) and reports whether the object has a first member.
    mutating func beginObject() throws(WebhookError) -> Bool {
        try enter()
        index += 1
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
            index += 1
            depth -= 1
            return false
        }
        return true
    }

    /// Scans a member name and the `:` after it; the value follows. A name with escapes or
    /// non-ASCII bytes comes back decoded (and UTF-8-checked) as `text`; a plain ASCII one only as
    /// its token, so matching it against known names allocates nothing.
    mutating func memberName() throws(WebhookError) -> (token: StringToken, text: String?) {
        skipWhitespace()
        guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw error("expected a member name") }
        let name = try scanString()
        let text = name.isASCII && !name.hasEscapes ? nil : try makeString(name)
        skipWhitespace()
        guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { throw error("expected ':'") }
        index += 1
        return (name, text)
    }

    /// Calls `body` with a token's raw bytes (between the quotes).
    func withRawBytes<R>(_ token: StringToken, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        bytes[token.start..<token.end].withUnsafeBufferPointer(body)
    }

    /// A plain ASCII token's text.
    func asciiString(_ token: StringToken) -> String {
        String(decoding: bytes[token.start..<token.end], as: UTF8.self)
    }

    /// After a member's value: true when another member follows, false after the closing `}`.
    mutating func nextMember() throws(WebhookError) -> Bool {
        skipWhitespace()
        guard index < bytes.count else { throw error("unexpected end of input") }
        if bytes[index] == UInt8(ascii: ",") {
            index += 1
            return true
        }
        if bytes[index] == UInt8(ascii: "}") {
            index += 1
            depth -= 1
            return false
        }
        throw error("expected ',' or '}'")
    }

    /// Consumes `[` (at `index`) and reports whether the array has a first element.
    mutating func beginArray() throws(WebhookError) -> Bool {
        try enter()
        index += 1
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
            index += 1
            depth -= 1
            return false
        }
        return true
    }

    /// After an element: true when another element follows, false after the closing `]`.
    mutating func nextElement() throws(WebhookError) -> Bool {
        skipWhitespace()
        guard index < bytes.count else { throw error("unexpected end of input") }
        if bytes[index] == UInt8(ascii: ",") {
            index += 1
            return true
        }
        if bytes[index] == UInt8(ascii: "]") {
            index += 1
            depth -= 1
            return false
        }
        throw error("expected ',' or ']'")
    }

    /// Validates and skips any value (strings are UTF-8-checked as the tree parser does).
    mutating func skipValue() throws(WebhookError) {
        switch try valueStart() {
        case UInt8(ascii: "{"):
            guard try beginObject() else { return }
            repeat {
                _ = try memberName()
                try skipValue()
            } while try nextMember()
        case UInt8(ascii: "["):
            guard try beginArray() else { return }
            repeat { try skipValue() } while try nextElement()
        case UInt8(ascii: "\""):
            try checkString(try scanString())
        case UInt8(ascii: "t"): try expectLiteral("true")
        case UInt8(ascii: "f"): try expectLiteral("false")
        case UInt8(ascii: "n"): try expectLiteral("null")
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): _ = try scanNumber()
        default: throw error("unexpected character")
        }
    }

    // MARK: Scalars

    mutating func expectLiteral(_ literal: StaticString) throws(WebhookError) {
        let count = literal.utf8CodeUnitCount
        guard index + count <= bytes.count else { throw error("unexpected end of input") }
        let start = literal.utf8Start
        for offset in 0..<count where bytes[index + offset] != start[offset] { throw error("invalid literal") }
        index += count
    }

    /// Consumes `null` when it is next; the caller has already skipped whitespace.
    mutating func consumeNull() throws(WebhookError) -> Bool {
        guard index < bytes.count, bytes[index] == UInt8(ascii: "n") else { return false }
        try expectLiteral("null")
        return true
    }

    /// Scans a number (at `index`) and returns its text's range.
    mutating func scanNumber() throws(WebhookError) -> Range<Int> {
        let start = index
        if bytes[index] == UInt8(ascii: "-") { index += 1 }
        guard index < bytes.count, Self.isDigit(bytes[index]) else { throw error("invalid number") }
        if bytes[index] == UInt8(ascii: "0") {
            index += 1
        } else {
            while index < bytes.count, Self.isDigit(bytes[index]) { index += 1 }
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            guard index < bytes.count, Self.isDigit(bytes[index]) else { throw error("invalid number") }
            while index < bytes.count, Self.isDigit(bytes[index]) { index += 1 }
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
            guard index < bytes.count, Self.isDigit(bytes[index]) else { throw error("invalid number") }
            while index < bytes.count, Self.isDigit(bytes[index]) { index += 1 }
        }
        return start..<index
    }

    @inline(__always)
    static func isDigit(_ byte: UInt8) -> Bool { byte &- UInt8(ascii: "0") < 10 }

    /// A scanned number as a 64-bit integer: what `Int64(text)` gives (nil for fractions,
    /// exponents and out-of-range values).
    func integer(_ range: Range<Int>) -> Int64? {
        var position = range.lowerBound
        let negative = bytes[position] == UInt8(ascii: "-")
        if negative { position += 1 }
        var magnitude: UInt64 = 0
        while position < range.upperBound {
            let digit = bytes[position] &- UInt8(ascii: "0")
            guard digit < 10 else { return nil }
            let (times10, overflow1) = magnitude.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times10.addingReportingOverflow(UInt64(digit))
            guard !overflow1, !overflow2 else { return nil }
            magnitude = sum
            position += 1
        }
        if negative {
            guard magnitude <= UInt64(Int64.max) + 1 else { return nil }
            return magnitude == UInt64(Int64.max) + 1 ? Int64.min : -Int64(magnitude)
        }
        guard magnitude <= UInt64(Int64.max) else { return nil }
        return Int64(magnitude)
    }

    // MARK: Strings

    /// Scans a string whose opening quote is at `index`, checking escapes exactly as the tree
    /// parser does; `index` ends after the closing quote. UTF-8 is checked by `makeString`.
    mutating func scanString() throws(WebhookError) -> StringToken {
        index += 1
        let start = index
        var hasEscapes = false
        var high: UInt8 = 0
        // Eight bytes at a time while none is a quote, backslash, control or non-ASCII byte.
        index = bytes.withUnsafeBytes { raw in
            let ones: UInt64 = 0x0101_0101_0101_0101
            let highs: UInt64 = 0x8080_8080_8080_8080
            var position = start
            while position + 8 <= raw.count {
                let word = raw.loadUnaligned(fromByteOffset: position, as: UInt64.self)
                let quote = word ^ (ones &* 0x22)
                let backslash = word ^ (ones &* 0x5C)
                let special = (((quote &- ones) & ~quote) | ((backslash &- ones) & ~backslash) | (word &- ones &* 0x20) | word) & highs
                if special != 0 {
                    // The lowest hit is exact (false positives only sit above a real one).
                    position += special.littleEndian.trailingZeroBitCount >> 3
                    break
                }
                position += 8
            }
            return position
        }
        while true {
            guard index < bytes.count else { throw error("unterminated string") }
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") { break }
            if byte < 0x20 { throw error("control character in string") }
            high |= byte
            if byte != UInt8(ascii: "\\") {
                index += 1
                continue
            }
            hasEscapes = true
            index += 1
            guard index < bytes.count else { throw error("unterminated string") }
            let escape = bytes[index]
            index += 1
            switch escape {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
                UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                break
            case UInt8(ascii: "u"):
                let scalar = try hex4()
                if scalar & 0xFC00 == 0xD800 {
                    guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") else {
                        throw error("unpaired surrogate escape")
                    }
                    index += 2
                    let low = try hex4()
                    guard low & 0xFC00 == 0xDC00 else { throw error("unpaired surrogate escape") }
                } else if scalar & 0xFC00 == 0xDC00 {
                    throw error("unpaired surrogate escape")
                }
            default:
                throw error("invalid escape")
            }
        }
        let end = index
        index += 1
        return StringToken(start: start, end: end, hasEscapes: hasEscapes, isASCII: high < 0x80)
    }

    private mutating func hex4() throws(WebhookError) -> UInt32 {
        guard index + 4 <= bytes.count else { throw error("truncated \\u escape") }
        var value: UInt32 = 0
        for offset in 0..<4 {
            guard let digit = FormDecoder.hexValue(bytes[index + offset]) else { throw error("invalid \\u escape") }
            value = value << 4 | UInt32(digit)
        }
        index += 4
        return value
    }

    /// The token's text. `index` must still be just after the token (error offsets use it).
    ///
    /// - Throws: `malformedBody` / `invalid_utf8` when the decoded bytes are not UTF-8.
    mutating func makeString(_ token: StringToken) throws(WebhookError) -> String {
        if !token.hasEscapes {
            if token.isASCII { return String(decoding: bytes[token.start..<token.end], as: UTF8.self) }
            guard let string = String(validating: bytes[token.start..<token.end], as: UTF8.self) else { throw invalidUTF8() }
            return string
        }
        unescape(token)
        guard let string = String(validating: scratch, as: UTF8.self) else { throw invalidUTF8() }
        return string
    }

    /// Checks a token as `makeString` does, making a `String` only when it must (escapes, non-ASCII).
    mutating func checkString(_ token: StringToken) throws(WebhookError) {
        if !token.isASCII || token.hasEscapes { _ = try makeString(token) }
    }

    private func invalidUTF8() -> WebhookError {
        .malformed("invalid_utf8", "a JSON string ending before byte offset \(index) is not valid UTF-8")
    }

    /// Decodes an already validated string with escapes into `scratch`.
    private mutating func unescape(_ token: StringToken) {
        scratch.removeAll(keepingCapacity: true)
        var position = token.start
        var runStart = position
        func hex(_ at: Int) -> UInt32 {
            var value: UInt32 = 0
            for offset in 0..<4 { value = value << 4 | UInt32(FormDecoder.hexValue(bytes[at + offset]) ?? 0) }
            return value
        }
        while position < token.end {
            guard bytes[position] == UInt8(ascii: "\\") else {
                position += 1
                continue
            }
            scratch.append(contentsOf: bytes[runStart..<position])
            let escape = bytes[position + 1]
            position += 2
            switch escape {
            case UInt8(ascii: "b"): scratch.append(0x08)
            case UInt8(ascii: "f"): scratch.append(0x0C)
            case UInt8(ascii: "n"): scratch.append(0x0A)
            case UInt8(ascii: "r"): scratch.append(0x0D)
            case UInt8(ascii: "t"): scratch.append(0x09)
            case UInt8(ascii: "u"):
                var scalar = hex(position)
                position += 4
                if scalar & 0xFC00 == 0xD800 {
                    let low = hex(position + 2)
                    position += 6
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                }
                Self.appendUTF8(scalar, to: &scratch)
            default: scratch.append(escape)  // \" \\ \/
            }
            runStart = position
        }
        scratch.append(contentsOf: bytes[runStart..<token.end])
    }

    private static func appendUTF8(_ scalar: UInt32, to output: inout [UInt8]) {
        switch scalar {
        case ..<0x80:
            output.append(UInt8(scalar))
        case ..<0x800:
            output.append(UInt8(0xC0 | scalar >> 6))
            output.append(UInt8(0x80 | scalar & 0x3F))
        case ..<0x10000:
            output.append(UInt8(0xE0 | scalar >> 12))
            output.append(UInt8(0x80 | scalar >> 6 & 0x3F))
            output.append(UInt8(0x80 | scalar & 0x3F))
        default:
            output.append(UInt8(0xF0 | scalar >> 18))
            output.append(UInt8(0x80 | scalar >> 12 & 0x3F))
            output.append(UInt8(0x80 | scalar >> 6 & 0x3F))
            output.append(UInt8(0x80 | scalar & 0x3F))
        }
    }

    /// True when the token's raw bytes (no escapes) are exactly `text`'s UTF-8.
    func rawEquals(_ token: StringToken, _ text: String) -> Bool {
        let length = token.end - token.start
        guard text.utf8.count == length else { return false }
        guard length > 0 else { return true }
        return text.utf8.withContiguousStorageIfAvailable { expected in
            bytes[token.start..<token.end].withUnsafeBufferPointer { memcmp($0.baseAddress!, expected.baseAddress!, length) == 0 }
        } ?? bytes[token.start..<token.end].elementsEqual(text.utf8)
    }

    /// True when the token's raw bytes are exactly `text` (no escapes). Member names of the event
    /// are plain ASCII; one that is spelled with escapes is compared after decoding instead.
    @inline(__always)
    func rawEquals(_ token: StringToken, _ text: StaticString) -> Bool {
        let count = text.utf8CodeUnitCount
        guard token.end - token.start == count else { return false }
        let expected = text.utf8Start
        for offset in 0..<count where bytes[token.start + offset] != expected[offset] { return false }
        return true
    }
}
