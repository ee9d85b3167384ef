/// Lenient query-string lookup with `urllib.parse.parse_qs` semantics (blank values skipped,
/// invalid escapes kept verbatim), used for `bodySHA256` exactly as twilio-python reads it.
enum QueryLookup {
    static func firstNonEmptyValue(named name: String, inURL url: String) -> String? {
        var rest = Substring(url)
        if let hash = rest.firstIndex(of: "#") { rest = rest[..<hash] }
        guard let question = rest.firstIndex(of: "?") else { return nil }
        let query = rest[rest.index(after: question)...]
        for piece in query.split(separator: "&", omittingEmptySubsequences: true) {
            guard let equals = piece.firstIndex(of: "=") else { continue }
            let rawValue = piece[piece.index(after: equals)...]
            guard !rawValue.isEmpty else { continue }
            if unquotePlus(piece[..<equals]) == name { return unquotePlus(rawValue) }
        }
        return nil
    }

    /// `urllib.parse.unquote_plus` with errors="replace".
    static func unquotePlus(_ text: Substring) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        var utf8 = Array(text.utf8)[...]
        while let byte = utf8.first {
            if byte == UInt8(ascii: "+") {
                bytes.append(UInt8(ascii: " "))
                utf8 = utf8.dropFirst()
            } else if byte == UInt8(ascii: "%"), utf8.count >= 3,
                let high = FormDecoder.hexValue(utf8[utf8.startIndex + 1]),
                let low = FormDecoder.hexValue(utf8[utf8.startIndex + 2])
            {
                bytes.append(high << 4 | low)
                utf8 = utf8.dropFirst(3)
            } else {
                bytes.append(byte)
                utf8 = utf8.dropFirst()
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
