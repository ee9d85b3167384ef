/// An IPv4 or IPv6 CIDR block (`10.0.0.0/8`, `fd00::/8`, or a single address) for the trusted-proxy
/// list. IPv4-mapped IPv6 peers (`::ffff:10.1.2.3`) match IPv4 blocks.
public struct IPAddressRange: Sendable, Hashable, CustomStringConvertible {
    /// 16 bytes; IPv4 is stored IPv4-mapped.
    let network: [UInt8]
    let prefixLength: Int
    public let description: String

    /// - Throws: `invalidConfiguration` for a malformed address or prefix.
    public init(_ text: String) throws(WebhookError) {
        let parts = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard let address = IPAddressRange.parseAddress(String(parts[0])) else {
            throw WebhookError(code: .invalidConfiguration, message: "trusted proxy '\(text)' is not an IP address or CIDR block")
        }
        let isV4 = IPAddressRange.isMappedV4(address) && parts[0].contains(".")
        var length = 128
        if parts.count == 2 {
            guard let value = Int(parts[1]), value >= 0, value <= (isV4 ? 32 : 128) else {
                throw WebhookError(code: .invalidConfiguration, message: "trusted proxy '\(text)' has an invalid prefix length")
            }
            length = isV4 ? value + 96 : value
        }
        network = IPAddressRange.mask(address, length)
        prefixLength = length
        description = text
    }

    public func contains(_ address: String) -> Bool {
        guard let parsed = Self.parseAddress(address) else { return false }
        return Self.mask(parsed, prefixLength) == network
    }

    static func mask(_ address: [UInt8], _ length: Int) -> [UInt8] {
        var result = address
        for index in 0..<16 {
            let bits = max(0, min(8, length - index * 8))
            result[index] &= bits == 0 ? 0 : UInt8(truncatingIfNeeded: 0xFF << (8 - bits))
        }
        return result
    }

    static func isMappedV4(_ address: [UInt8]) -> Bool {
        address[0..<10].allSatisfy { $0 == 0 } && address[10] == 0xFF && address[11] == 0xFF
    }

    /// Parses dotted IPv4 or RFC 4291 IPv6 (with `::`, embedded IPv4, `[...]` and `%zone` tolerated)
    /// into 16 bytes.
    static func parseAddress(_ text: String) -> [UInt8]? {
        var text = Substring(text)
        if text.hasPrefix("["), text.hasSuffix("]") { text = text.dropFirst().dropLast() }
        if let zone = text.firstIndex(of: "%") { text = text[..<zone] }
        if !text.contains(":") {
            guard let v4 = parseV4(text) else { return nil }
            return [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF] + v4
        }
        var head: [UInt16] = []
        var tail: [UInt16] = []
        var sawDoubleColon = false
        let halves = text.components(separatedByDoubleColon: ())
        guard halves.count <= 2 else { return nil }
        sawDoubleColon = halves.count == 2
        func groups(_ part: Substring, allowV4: Bool) -> [UInt16]? {
            if part.isEmpty { return [] }
            var result: [UInt16] = []
            let pieces = part.split(separator: ":", omittingEmptySubsequences: false)
            for (offset, piece) in pieces.enumerated() {
                if allowV4, offset == pieces.count - 1, piece.contains(".") {
                    guard let v4 = parseV4(piece) else { return nil }
                    result.append(UInt16(v4[0]) << 8 | UInt16(v4[1]))
                    result.append(UInt16(v4[2]) << 8 | UInt16(v4[3]))
                    continue
                }
                guard !piece.isEmpty, piece.count <= 4, let value = UInt16(piece, radix: 16) else { return nil }
                result.append(value)
            }
            return result
        }
        guard let first = groups(halves[0], allowV4: !sawDoubleColon) else { return nil }
        head = first
        if sawDoubleColon {
            guard let second = groups(halves[1], allowV4: true) else { return nil }
            tail = second
            guard head.count + tail.count <= 7 else { return nil }
        } else {
            guard head.count == 8 else { return nil }
        }
        let all = head + Array(repeating: 0, count: 8 - head.count - tail.count) + tail
        return all.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }
    }

    static func parseV4(_ text: Substring) -> [UInt8]? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var bytes: [UInt8] = []
        for part in parts {
            guard !part.isEmpty, part.count <= 3, part.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }),
                let value = UInt8(part)
            else { return nil }
            bytes.append(value)
        }
        return bytes
    }
}

extension Substring {
    /// Splits at `::` (at most one is valid in IPv6).
    fileprivate func components(separatedByDoubleColon: Void) -> [Substring] {
        var result: [Substring] = []
        var start = startIndex
        var index = startIndex
        while index < endIndex {
            let next = self.index(after: index)
            if self[index] == ":", next < endIndex, self[next] == ":" {
                result.append(self[start..<index])
                start = self.index(after: next)
                index = start
                continue
            }
            index = next
        }
        result.append(self[start..<endIndex])
        return result
    }
}
