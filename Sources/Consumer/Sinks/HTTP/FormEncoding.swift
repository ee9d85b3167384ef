import StatusEvents

/// `application/x-www-form-urlencoded` encoding of a callback's parameters, as browsers and
/// Twilio send it: names sorted, the values of a repeated name in `params` order (sorted and
/// de-duplicated by the ingress, as signed).
enum FormEncoding {
    /// The parameters as ordered pairs, for the body and for the signature.
    static func pairs(_ params: [String: StatusEvent.ParamValue]) -> [(String, String)] {
        params.keys.sorted().flatMap { name in params[name]!.values.map { (name, $0) } }
    }

    static func encode(_ pairs: [(String, String)]) -> [UInt8] {
        var out: [UInt8] = []
        for (index, (name, value)) in pairs.enumerated() {
            if index > 0 { out.append(UInt8(ascii: "&")) }
            append(name, to: &out)
            out.append(UInt8(ascii: "="))
            append(value, to: &out)
        }
        return out
    }

    private static func append(_ text: String, to out: inout [UInt8]) {
        let hex = Array("0123456789ABCDEF".utf8)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."),
                UInt8(ascii: "_"), UInt8(ascii: "*"):
                out.append(byte)
            case UInt8(ascii: " "):
                out.append(UInt8(ascii: "+"))
            default:
                out.append(UInt8(ascii: "%"))
                out.append(hex[Int(byte >> 4)])
                out.append(hex[Int(byte & 0x0F)])
            }
        }
    }
}
