import StatusEvents

/// JSON forms of a released event shared by the sinks.
///
/// A released record is the event's own JSON object with `sequence`, `late`, `topic`, `partition`
/// and `offset` appended, so consumers of the event schema can read it unchanged.
enum ReleasedEventJSON {
    /// The event's JSON object (schema v1, `StatusEventCodec`).
    static func event(_ event: StatusEvent) -> [UInt8] {
        StatusEventCodec.encode(event)
    }

    /// The released record, built by splicing the extra keys into `eventJSON` (an object).
    static func record(_ released: ReleasedEvent, eventJSON: [UInt8]) -> [UInt8] {
        var bytes = eventJSON
        while let last = bytes.last, last != UInt8(ascii: "}") { bytes.removeLast() }
        guard !bytes.isEmpty else { return eventJSON }
        bytes.removeLast()
        let isEmptyObject = bytes.last == UInt8(ascii: "{")
        var suffix = isEmptyObject ? "" : ","
        suffix += "\"sequence\":\(released.sequence),\"late\":\(released.late),"
        suffix += "\"topic\":\(quoted(released.topic)),\"partition\":\(released.partition),"
        suffix += "\"offset\":\(released.offset)}"
        bytes.append(contentsOf: suffix.utf8)
        return bytes
    }

    /// The released record of `released`.
    static func record(_ released: ReleasedEvent) -> [UInt8] {
        record(released, eventJSON: event(released.event))
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
