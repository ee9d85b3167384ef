/// JSON forms of a released event shared by the sinks.
///
/// A released record is the event's own JSON object with `sequence`, `late`, `topic`, `partition`
/// and `offset` appended, so consumers of the event schema can read it unchanged.
enum ReleasedEventJSON {
    /// The released record, built by splicing the extra keys into `eventJSON` (an object).
    static func record(_ released: ReleasedEvent, eventJSON: [UInt8]) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(eventJSON.count + 96)
        appendRecord(released, eventJSON: eventJSON, to: &bytes)
        return bytes
    }

    /// Appends the released record to `out` without intermediate strings (it runs once per event).
    static func appendRecord(_ released: ReleasedEvent, eventJSON: [UInt8], to out: inout [UInt8]) {
        appendRecord(released, eventJSON: eventJSON, quotedTopic: quoted(released.topic).utf8, to: &out)
    }

    /// - Parameter quotedTopic: `quoted(released.topic)`, which a caller writing many records of one
    ///   topic makes once.
    static func appendRecord(
        _ released: ReleasedEvent, eventJSON: [UInt8], quotedTopic: some Collection<UInt8>, to out: inout [UInt8]
    ) {
        var end = eventJSON.count
        while end > 0, eventJSON[end - 1] != UInt8(ascii: "}") { end -= 1 }
        guard end > 0 else {
            out.append(contentsOf: eventJSON)
            return
        }
        out.append(contentsOf: eventJSON[..<(end - 1)])
        var beforeClose = end - 2
        while beforeClose >= 0, isWhitespace(eventJSON[beforeClose]) { beforeClose -= 1 }
        if beforeClose >= 0, eventJSON[beforeClose] != UInt8(ascii: "{") { out.append(UInt8(ascii: ",")) }
        out.append(contentsOf: #""sequence":"#.utf8)
        appendInteger(Int64(released.sequence), to: &out)
        out.append(contentsOf: released.late ? #","late":true,"topic":"#.utf8 : #","late":false,"topic":"#.utf8)
        out.append(contentsOf: quotedTopic)
        out.append(contentsOf: #","partition":"#.utf8)
        appendInteger(Int64(released.partition), to: &out)
        out.append(contentsOf: #","offset":"#.utf8)
        appendInteger(released.offset, to: &out)
        out.append(UInt8(ascii: "}"))
    }

    /// The released record of `released`.
    static func record(_ released: ReleasedEvent) -> [UInt8] {
        record(released, eventJSON: released.eventJSON)
    }


    private static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r") || byte == UInt8(ascii: "\t")
    }

    static func appendInteger(_ value: Int64, to out: inout [UInt8]) {
        if value < 0 {
            out.append(contentsOf: String(value).utf8)
            return
        }
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                     UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var count = 0
        var rest = UInt64(value)
        withUnsafeMutableBytes(of: &digits) { buffer in
            repeat {
                buffer[19 - count] = UInt8(ascii: "0") + UInt8(rest % 10)
                rest /= 10
                count += 1
            } while rest > 0
            out.append(contentsOf: buffer[(20 - count)...])
        }
    }

    static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                out += "\\u" + String(repeating: "0", count: 4 - String(scalar.value, radix: 16).count)
                    + String(scalar.value, radix: 16)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
