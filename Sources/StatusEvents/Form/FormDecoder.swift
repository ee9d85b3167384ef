/// The byte-level form decoder behind `FormParameters.parse`. Works on a contiguous buffer and
/// only copies segments that contain `%` or `+`.
enum FormDecoder {
    static func parse(_ body: UnsafeBufferPointer<UInt8>) throws(WebhookError) -> FormParameters {
        var parameters: [FormParameters.Parameter] = []
        parameters.reserveCapacity(16)
        var scratch: [UInt8] = []
        var segmentStart = 0
        let count = body.count
        var index = 0
        while index <= count {
            if index == count || body[index] == UInt8(ascii: "&") {
                if index > segmentStart {
                    var equals = index
                    var cursor = segmentStart
                    while cursor < index {
                        if body[cursor] == UInt8(ascii: "=") {
                            equals = cursor
                            break
                        }
                        cursor += 1
                    }
                    let name = try decode(body, segmentStart, equals, &scratch)
                    let value = equals < index ? try decode(body, equals + 1, index, &scratch) : ""
                    parameters.append(FormParameters.Parameter(name: name, value: value))
                }
                segmentStart = index + 1
            }
            index += 1
        }
        return FormParameters(parsed: parameters)
    }

    /// Decodes `body[start..<end]`.
    static func decode(
        _ body: UnsafeBufferPointer<UInt8>,
        _ start: Int,
        _ end: Int,
        _ scratch: inout [UInt8]
    ) throws(WebhookError) -> String {
        if start == end { return "" }
        var needsDecoding = false
        for index in start..<end where body[index] == UInt8(ascii: "%") || body[index] == UInt8(ascii: "+") {
            needsDecoding = true
            break
        }
        if !needsDecoding {
            return try makeString(UnsafeBufferPointer(rebasing: body[start..<end]), offset: start)
        }
        scratch.removeAll(keepingCapacity: true)
        var index = start
        while index < end {
            let byte = body[index]
            switch byte {
            case UInt8(ascii: "+"):
                scratch.append(UInt8(ascii: " "))
                index += 1
            case UInt8(ascii: "%"):
                guard index + 2 < end,
                    let high = hexValue(body[index + 1]), let low = hexValue(body[index + 2])
                else {
                    throw WebhookError.malformed(
                        "invalid_percent_escape",
                        "invalid percent-escape at byte offset \(index): '%' must be followed by two hex digits"
                    )
                }
                scratch.append(high << 4 | low)
                index += 3
            default:
                scratch.append(byte)
                index += 1
            }
        }
        return try scratch.withUnsafeBufferPointer { buffer throws(WebhookError) in try makeString(buffer, offset: start) }
    }

    /// ASCII (nearly every Twilio value) skips the generic validating initializer.
    static func makeString(_ bytes: UnsafeBufferPointer<UInt8>, offset: Int) throws(WebhookError) -> String {
        var ascii = true
        for byte in bytes where byte >= 0x80 {
            ascii = false
            break
        }
        if ascii { return String(decoding: bytes, as: UTF8.self) }
        guard let string = String(validating: bytes, as: UTF8.self) else { throw invalidUTF8(at: offset) }
        return string
    }

    static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    private static func invalidUTF8(at offset: Int) -> WebhookError {
        .malformed("invalid_utf8", "the decoded form field starting at byte offset \(offset) is not valid UTF-8")
    }
}
