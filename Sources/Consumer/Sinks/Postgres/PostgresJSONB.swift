/// What PostgreSQL's `jsonb` cannot hold, and the lossless form the sink stores instead.
///
/// `jsonb` refuses two things valid JSON may carry: the escape `\u0000` in a string (text cannot
/// hold NUL) and a number beyond `numeric`'s range (e.g. `1e999999`). An event whose JSON has either
/// is stored as a jsonb *string* holding the event's JSON text exactly as read: `payload #>> '{}'`
/// gives the text back, `jsonb_typeof(payload) = 'string'` finds such rows.
enum PostgresJSONB {
    /// Longest digit run (and exponent of more than this many digits) taken as a number: far inside
    /// `numeric`'s range (131,072 digits before the point, 16,383 after), far beyond any real value.
    static let maximumDigits = 1000
    static let maximumExponentDigits = 3

    /// Whether `json` (valid JSON) casts to `jsonb`. Conservative: a false answer only means the
    /// event is stored in the string form.
    static func canHold(_ json: [UInt8]) -> Bool {
        json.withUnsafeBufferPointer { bytes in
            var index = 0
            let count = bytes.count
            var digits = 0
            var afterExponent = false
            while index < count {
                let byte = bytes[index]
                if byte == UInt8(ascii: "\"") {
                    digits = 0
                    afterExponent = false
                    index += 1
                    while index < count, bytes[index] != UInt8(ascii: "\"") {
                        if bytes[index] == UInt8(ascii: "\\") {
                            if index + 5 < count, bytes[index + 1] == UInt8(ascii: "u"), bytes[index + 2] == UInt8(ascii: "0"),
                                bytes[index + 3] == UInt8(ascii: "0"), bytes[index + 4] == UInt8(ascii: "0"),
                                bytes[index + 5] == UInt8(ascii: "0")
                            {
                                return false
                            }
                            index += 1
                        }
                        index += 1
                    }
                } else if byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") {
                    digits += 1
                    if digits > (afterExponent ? maximumExponentDigits : maximumDigits) { return false }
                } else if byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E") {
                    digits = 0
                    afterExponent = true
                } else if byte != UInt8(ascii: "+"), byte != UInt8(ascii: "-") {
                    // "." keeps counting: a number's integer and fraction digits together.
                    if byte != UInt8(ascii: ".") {
                        digits = 0
                        afterExponent = false
                    }
                }
                index += 1
            }
            return true
        }
    }

    /// `json` as a JSON string literal (quotes and backslashes escaped), which `jsonb` takes as a string.
    static func stringLiteral(_ json: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(json.count + json.count / 8 + 2)
        out.append(UInt8(ascii: "\""))
        let hex = Array("0123456789abcdef".utf8)
        for byte in json {
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"):
                out.append(UInt8(ascii: "\\"))
                out.append(byte)
            case 0..<0x20:
                out.append(contentsOf: Array(#"\u00"#.utf8))
                out.append(hex[Int(byte >> 4)])
                out.append(hex[Int(byte & 0x0F)])
            default:
                out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
        return out
    }
}
