/// The byte-level form decoder behind `FormParameters.parse`. Works on a contiguous buffer and
/// only copies segments that contain `%` or `+`.
enum FormDecoder {
    /// - Throws: `tooManyParameters` as soon as the body holds more than `maxParameters`
    ///   parameters (nothing more is decoded), `malformedBody` for a bad escape or invalid UTF-8.
    static func parse(_ body: UnsafeBufferPointer<UInt8>, maxParameters: Int) throws(WebhookError) -> FormParameters {
        var parameters: [FormParameters.Parameter] = []
        parameters.reserveCapacity(16)
        let count = body.count
        // One pass: segment bounds, the first `=`, and per part whether it needs decoding or
        // validation, so ASCII parts without escapes become Strings without another scan.
        var segmentStart = 0
        var equals = -1
        var nameFlags: UInt8 = 0
        var flags: UInt8 = 0
        var index = 0
        let raw = UnsafeRawBufferPointer(body)
        while index <= count {
            // Eight bytes at a time to the next `&`, `=`, `%`, `+` or non-ASCII byte.
            while index + 8 <= count {
                let hits = Self.specialBytes(raw.loadUnaligned(fromByteOffset: index, as: UInt64.self))
                if hits != 0 {
                    index += hits.trailingZeroBitCount >> 3
                    break
                }
                index += 8
            }
            let byte = index < count ? body[index] : UInt8(ascii: "&")
            switch byte {
            case UInt8(ascii: "&"):
                if index > segmentStart {
                    guard parameters.count < maxParameters else { throw tooManyParameters(maxParameters) }
                    let name: String
                    let value: String
                    if equals >= 0 {
                        if nameFlags == 0, let known = wellKnownName(body, segmentStart, equals) {
                            name = known
                        } else {
                            name = try decode(body, segmentStart, equals, nameFlags)
                        }
                        value = try decode(body, equals + 1, index, flags)
                    } else {
                        name = try decode(body, segmentStart, index, flags)
                        value = ""
                    }
                    parameters.append(FormParameters.Parameter(name: name, value: value))
                }
                segmentStart = index + 1
                equals = -1
                flags = 0
            case UInt8(ascii: "="):
                if equals < 0 {
                    equals = index
                    nameFlags = flags
                    flags = 0
                }
            case UInt8(ascii: "%"), UInt8(ascii: "+"):
                flags |= needsDecoding
            case 0x80...:
                flags |= nonASCII
            default:
                break
            }
            index += 1
        }
        return FormParameters(parsed: parameters)
    }

    /// The high bit of each byte of `word` (little-endian) that is `&`, `=`, `%`, `+` or >= 0x80.
    /// False positives occur only above a real hit, so the lowest set bit is always exact.
    @inline(__always)
    static func specialBytes(_ word: UInt64) -> UInt64 {
        let ones: UInt64 = 0x0101_0101_0101_0101
        func zeroBytes(_ value: UInt64) -> UInt64 { (value &- ones) & ~value }
        let hits = zeroBytes(word ^ (ones &* 0x26)) | zeroBytes(word ^ (ones &* 0x3D)) | zeroBytes(word ^ (ones &* 0x25))
            | zeroBytes(word ^ (ones &* 0x2B)) | word
        return (hits & 0x8080_8080_8080_8080).littleEndian
    }

    /// Parameter names Twilio sends on every status callback, as literals: no allocation or UTF-8
    /// validation for them, and the long ones (>15 bytes) are not heap strings.
    @inline(__always)
    static func wellKnownName(_ body: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> String? {
        func matches(_ name: StaticString) -> Bool {
            ByteEncoding.equal(body.baseAddress! + start, name.utf8Start, count: end - start)
        }
        switch end - start {
        case 2: return matches("To") ? "To" : nil
        case 4: return matches("From") ? "From" : nil
        case 6: return matches("SmsSid") ? "SmsSid" : nil
        case 9: return matches("SmsStatus") ? "SmsStatus" : matches("ErrorCode") ? "ErrorCode" : nil
        case 10:
            if matches("MessageSid") { return "MessageSid" }
            if matches("AccountSid") { return "AccountSid" }
            return matches("ApiVersion") ? "ApiVersion" : nil
        case 13: return matches("MessageStatus") ? "MessageStatus" : matches("ChannelPrefix") ? "ChannelPrefix" : nil
        case 14: return matches("RawDlrDoneDate") ? "RawDlrDoneDate" : nil
        case 17: return matches("ChannelInstallSid") ? "ChannelInstallSid" : nil
        case 19: return matches("MessagingServiceSid") ? "MessagingServiceSid" : nil
        case 20: return matches("ChannelStatusMessage") ? "ChannelStatusMessage" : nil
        default: return nil
        }
    }

    private static let needsDecoding: UInt8 = 1
    private static let nonASCII: UInt8 = 2

    /// Decodes `body[start..<end]`.
    static func decode(
        _ body: UnsafeBufferPointer<UInt8>,
        _ start: Int,
        _ end: Int,
        _ flags: UInt8
    ) throws(WebhookError) -> String {
        if start == end { return "" }
        if flags & needsDecoding == 0 {
            let slice = UnsafeBufferPointer(rebasing: body[start..<end])
            if flags & nonASCII == 0 { return String(decoding: slice, as: UTF8.self) }
            return try makeString(slice, offset: start)
        }
        // Decoding only shrinks a segment, so its length bounds the output: a temporary buffer
        // (on the stack unless the segment is huge) instead of a heap array per body.
        let decoded = withUnsafeTemporaryAllocation(of: UInt8.self, capacity: end - start) { scratch -> Result<String, WebhookError> in
            var written = 0
            var index = start
            while index < end {
                let byte = body[index]
                switch byte {
                case UInt8(ascii: "+"):
                    scratch[written] = UInt8(ascii: " ")
                    index += 1
                case UInt8(ascii: "%"):
                    guard index + 2 < end,
                        let high = hexValue(body[index + 1]), let low = hexValue(body[index + 2])
                    else {
                        return .failure(
                            WebhookError.malformed(
                                "invalid_percent_escape",
                                "invalid percent-escape at byte offset \(index): '%' must be followed by two hex digits"
                            )
                        )
                    }
                    scratch[written] = high << 4 | low
                    index += 3
                default:
                    scratch[written] = byte
                    index += 1
                }
                written += 1
            }
            return Result { () throws(WebhookError) in
                try makeString(UnsafeBufferPointer(rebasing: scratch[..<written]), offset: start)
            }
        }
        return try decoded.get()
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

    private static func tooManyParameters(_ limit: Int) -> WebhookError {
        WebhookError(
            code: .tooManyParameters,
            message: "the form body has more than \(limit) parameters (the limit, max-form-parameters; Twilio sends 10-20)"
        )
    }

    private static func invalidUTF8(at offset: Int) -> WebhookError {
        .malformed("invalid_utf8", "the decoded form field starting at byte offset \(offset) is not valid UTF-8")
    }
}
