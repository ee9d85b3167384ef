/// The two ways twilio-node re-encodes a URL's query before signing it, because Twilio's signer
/// may encode a character differently from the request line (`'` versus `%27`):
///
/// - `whatwg`: what `new URL(url)` does to the query of an http(s) URL: C0 controls, space, `"`,
///   `#`, `<`, `>`, `'` and bytes from 0x7F are percent-encoded; nothing is decoded.
/// - `legacy`: `querystring.stringify(querystring.parse(query))` (Node's legacy module, as
///   twilio-node's `withLegacyQuerystring`): split at `&` (empty items dropped), each item at its
///   first `=`; `+` becomes a space; valid `%XX` escapes are decoded and the bytes read as UTF-8
///   (invalid sequences become U+FFFD); repeated names are grouped at their first appearance, and
///   names that are array indices (`0`, `1`, … as JavaScript orders object keys) come first in
///   numeric order; then every byte outside `A-Z a-z 0-9 - _ . ! ~ * ' ( )` is encoded as `%XX`
///   (upper-case hex). Unlike Node's default, no item past the 1,000th is dropped: that would let
///   unsigned items ride behind a signed query.
///
/// Both are linear in the query's length (grouping uses a dictionary; only array-index names are
/// sorted), and each output is at most 9× the input's length.
enum QueryReencoding {
    /// The query as `new URL()` serializes it; nil when that changes nothing.
    static func whatwg(_ query: ArraySlice<UInt8>) -> [UInt8]? {
        guard query.contains(where: needsWHATWGEscape) else { return nil }
        var output: [UInt8] = []
        output.reserveCapacity(query.count + 16)
        for byte in query {
            if needsWHATWGEscape(byte) { appendEscape(byte, to: &output) } else { output.append(byte) }
        }
        return output
    }

    /// `querystring.stringify(querystring.parse(query))`; nil when that changes nothing.
    static func legacy(_ query: ArraySlice<UInt8>) -> [UInt8]? {
        var order: [[UInt8]] = []
        var values: [[UInt8]: [[UInt8]]] = [:]
        var start = query.startIndex
        while start <= query.endIndex {
            let end = query[start...].firstIndex(of: UInt8(ascii: "&")) ?? query.endIndex
            let item = query[start..<end]
            if !item.isEmpty {
                let equals = item.firstIndex(of: UInt8(ascii: "=")) ?? item.endIndex
                let name = decode(item[..<equals])
                let value = equals < item.endIndex ? decode(item[(equals + 1)...]) : []
                if values[name] == nil { order.append(name) }
                values[name, default: []].append(value)
            }
            start = end + 1
        }
        // JavaScript objects list array-index keys first, in ascending numeric order.
        let indices = order.compactMap { name in arrayIndex(name).map { (index: $0, name: name) } }.sorted { $0.index < $1.index }
        let names = indices.map(\.name) + order.filter { arrayIndex($0) == nil }

        var output: [UInt8] = []
        output.reserveCapacity(query.count + 16)
        for name in names {
            for value in values[name]! {
                if !output.isEmpty { output.append(UInt8(ascii: "&")) }
                escape(name, to: &output)
                output.append(UInt8(ascii: "="))
                escape(value, to: &output)
            }
        }
        return output.elementsEqual(query) ? nil : output
    }

    private static func needsWHATWGEscape(_ byte: UInt8) -> Bool {
        switch byte {
        case 0x00...0x20, 0x7F...0xFF, UInt8(ascii: "\""), UInt8(ascii: "#"), UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: "'"): true
        default: false
        }
    }

    /// Node's `querystring.escape` leaves these as they are.
    private static func isUnreserved(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
            UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "!"), UInt8(ascii: "~"), UInt8(ascii: "*"),
            UInt8(ascii: "'"), UInt8(ascii: "("), UInt8(ascii: ")"):
            true
        default:
            false
        }
    }

    private static let hexDigits: [UInt8] = Array("0123456789ABCDEF".utf8)

    private static func appendEscape(_ byte: UInt8, to output: inout [UInt8]) {
        output.append(UInt8(ascii: "%"))
        output.append(hexDigits[Int(byte >> 4)])
        output.append(hexDigits[Int(byte & 15)])
    }

    private static func escape(_ text: [UInt8], to output: inout [UInt8]) {
        for byte in text {
            if isUnreserved(byte) { output.append(byte) } else { appendEscape(byte, to: &output) }
        }
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    /// `+` as a space, valid escapes decoded, then the bytes as UTF-8 with U+FFFD for invalid sequences.
    private static func decode(_ text: ArraySlice<UInt8>) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.count)
        var index = text.startIndex
        while index < text.endIndex {
            let byte = text[index]
            if byte == UInt8(ascii: "%"), text.endIndex - index >= 3, let high = hexValue(text[index + 1]), let low = hexValue(text[index + 2]) {
                bytes.append(high << 4 | low)
                index += 3
            } else {
                bytes.append(byte == UInt8(ascii: "+") ? UInt8(ascii: " ") : byte)
                index += 1
            }
        }
        return Array(String(decoding: bytes, as: UTF8.self).utf8)
    }

    /// The value of a canonical array index (`0` … `4294967294`, no leading zeros), else nil.
    private static func arrayIndex(_ name: [UInt8]) -> UInt32? {
        guard !name.isEmpty, name.count <= 10, name.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }),
            name.count == 1 || name[0] != UInt8(ascii: "0")
        else { return nil }
        let value = name.reduce(UInt64(0)) { $0 * 10 + UInt64($1 - UInt8(ascii: "0")) }
        return value < 4_294_967_295 ? UInt32(value) : nil
    }
}
