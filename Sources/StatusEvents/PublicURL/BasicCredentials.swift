import Crypto

/// The `user:password@` of a public callback URL, checked against a request's
/// `Authorization: Basic …` header.
///
/// Twilio first sends a callback to such a URL without `Authorization`; after a 401 with
/// `WWW-Authenticate: Basic` it repeats the request with the credentials. The userinfo is
/// percent-decoded (`p%40ss` is the password `p@ss`), as HTTP clients send it. Only the SHA-256
/// of the expected `Basic` token is kept, and the digests are compared in constant time, so
/// neither the length nor the content of the credentials shows in the timing.
public struct BasicCredentials: Sendable {
    public enum Outcome: Sendable, Hashable {
        case valid
        /// No `Authorization` header, or one of another scheme.
        case missing
        /// `Basic` with other credentials.
        case invalid
    }

    private let digest: [UInt8]

    /// - Parameter userinfo: `user:password` as written in the URL (percent-encoded).
    /// - Returns: nil unless both parts are present, the user is not empty, the text is visible
    ///   ASCII and every `%` starts a valid escape.
    public init?(userinfo: Substring) {
        guard userinfo.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }),
            let colon = userinfo.utf8.firstIndex(of: UInt8(ascii: ":")), colon > userinfo.startIndex,
            let user = Self.percentDecoded(userinfo.utf8[..<colon]),
            let password = Self.percentDecoded(userinfo.utf8[userinfo.utf8.index(after: colon)...])
        else { return nil }
        var token: [UInt8] = []
        (user + [UInt8(ascii: ":")] + password).withUnsafeBytes { ByteEncoding.base64($0, into: &token) }
        digest = Array(SHA256.hash(data: token))
    }

    /// Decides a request's `Authorization` header value (nil when absent). The scheme name is
    /// case-insensitive; the token is compared as sent (base64 has one form per value).
    public func check(authorization: String?) -> Outcome {
        guard let authorization else { return .missing }
        var bytes = Substring(authorization).utf8.drop { $0 == 0x20 || $0 == 0x09 }
        guard bytes.count > 6, bytes.prefix(5).map({ $0 | 0x20 }) == Array("basic".utf8),
            bytes.dropFirst(5).first == 0x20
        else { return .missing }
        bytes = bytes.dropFirst(6).drop { $0 == 0x20 }
        while let last = bytes.last, last == 0x20 || last == 0x09 { bytes = bytes.dropLast() }
        let provided = Array(SHA256.hash(data: Array(bytes)))
        return ByteEncoding.constantTimeEqual(provided, digest) ? .valid : .invalid
    }

    static func percentDecoded(_ text: Substring.UTF8View.SubSequence) -> [UInt8]? {
        func hex(_ byte: UInt8) -> UInt8? {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
            default: nil
            }
        }
        var result: [UInt8] = []
        var index = text.startIndex
        while index < text.endIndex {
            let byte = text[index]
            index = text.index(after: index)
            guard byte == UInt8(ascii: "%") else {
                result.append(byte)
                continue
            }
            guard index < text.endIndex, let high = hex(text[index]) else { return nil }
            index = text.index(after: index)
            guard index < text.endIndex, let low = hex(text[index]) else { return nil }
            index = text.index(after: index)
            result.append(high << 4 | low)
        }
        return result
    }
}
