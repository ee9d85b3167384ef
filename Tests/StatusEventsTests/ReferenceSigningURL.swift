/// The former slice-based `SigningURL.Parts` scanner, kept verbatim as the reference the one-pass
/// scanner must agree with (same forms, same rejections).
struct ReferenceSigningURL {
    let bytes: [UInt8]
    let isHTTPS: Bool
    let netloc: Range<Int>
    let path: Range<Int>
    let params: Range<Int>
    let query: Range<Int>
    let fragment: Range<Int>
    let port: Int?
    let isCanonical: Bool

    init?(url: String) {
        var bytes = Array(url.utf8)
        // urlsplit removes ASCII tab/CR/LF anywhere and leading C0 controls / spaces.
        if bytes.contains(where: { $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }) {
            bytes.removeAll { $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }
        }
        if let first = bytes.firstIndex(where: { $0 > 0x20 }), first > 0 { bytes.removeFirst(first) }
        self.init(bytes)
    }

    init?(_ bytes: [UInt8]) {
        self.bytes = bytes
        let count = bytes.count
        func lower(_ byte: UInt8) -> UInt8 { byte >= 65 && byte <= 90 ? byte | 0x20 : byte }
        let http: [UInt8] = Array("http".utf8)
        guard count >= 7, (0..<4).allSatisfy({ lower(bytes[$0]) == http[$0] }) else { return nil }
        var index = 4
        if lower(bytes[4]) == UInt8(ascii: "s") {
            isHTTPS = true
            index = 5
        } else {
            isHTTPS = false
        }
        guard index + 3 <= count, bytes[index] == UInt8(ascii: ":"), bytes[index + 1] == UInt8(ascii: "/"),
            bytes[index + 2] == UInt8(ascii: "/")
        else { return nil }
        let netlocStart = index + 3
        var netlocEnd = netlocStart
        while netlocEnd < count, bytes[netlocEnd] != UInt8(ascii: "/"), bytes[netlocEnd] != UInt8(ascii: "?"),
            bytes[netlocEnd] != UInt8(ascii: "#")
        {
            netlocEnd += 1
        }
        netloc = netlocStart..<netlocEnd
        // urlsplit: "Invalid IPv6 URL".
        let hasOpen = bytes[netloc].contains(UInt8(ascii: "["))
        let hasClose = bytes[netloc].contains(UInt8(ascii: "]"))
        guard hasOpen == hasClose else { return nil }
        let fragmentMark = bytes[netlocEnd...].firstIndex(of: UInt8(ascii: "#")) ?? count
        fragment = min(fragmentMark + 1, count)..<count
        let queryMark = bytes[netlocEnd..<fragmentMark].firstIndex(of: UInt8(ascii: "?")) ?? fragmentMark
        query = min(queryMark + 1, fragmentMark)..<fragmentMark
        // urlparse's _splitparams: `;` after the last `/` of the path.
        let lastSlash = bytes[netlocEnd..<queryMark].lastIndex(of: UInt8(ascii: "/")) ?? netlocEnd
        if let semicolon = bytes[lastSlash..<queryMark].firstIndex(of: UInt8(ascii: ";")) {
            path = netlocEnd..<semicolon
            params = (semicolon + 1)..<queryMark
        } else {
            path = netlocEnd..<queryMark
            params = queryMark..<queryMark
        }

        // urlparse(...).port
        var hostStart = netlocStart
        if let at = bytes[netloc].lastIndex(of: UInt8(ascii: "@")) { hostStart = at + 1 }
        var portRange = netlocEnd..<netlocEnd
        if let open = bytes[hostStart..<netlocEnd].firstIndex(of: UInt8(ascii: "[")) {
            if let close = bytes[open..<netlocEnd].firstIndex(of: UInt8(ascii: "]")),
                let colon = bytes[close..<netlocEnd].firstIndex(of: UInt8(ascii: ":"))
            {
                portRange = (colon + 1)..<netlocEnd
            }
        } else if let colon = bytes[hostStart..<netlocEnd].firstIndex(of: UInt8(ascii: ":")) {
            portRange = (colon + 1)..<netlocEnd
        }
        let schemeIsLower = bytes[0..<(isHTTPS ? 5 : 4)].allSatisfy { $0 >= UInt8(ascii: "a") }
        isCanonical = schemeIsLower && (queryMark == fragmentMark || !query.isEmpty)
            && (fragmentMark == count || !fragment.isEmpty) && (path.upperBound == queryMark || !params.isEmpty)
        if portRange.isEmpty {
            port = nil
        } else {
            var value = 0
            for byte in bytes[portRange] {
                guard byte >= 48, byte <= 57 else { return nil }
                value = value * 10 + Int(byte - 48)
                guard value <= 65535 else { return nil }
            }
            port = value
        }
    }

    /// `remove_port(urlparse(url))`: any non-zero port removed.
    func withoutPort() -> [UInt8] {
        guard let port, port != 0 else { return isCanonical ? bytes : assemble(netloc: netloc) }
        let colon = bytes[netloc].firstIndex(of: UInt8(ascii: ":")) ?? netloc.upperBound
        return assemble(netloc: netloc.lowerBound..<colon)
    }

    /// `add_port(urlparse(url))`: the scheme's default port added unless a non-zero port is present.
    func withPort() -> [UInt8] {
        if let port, port != 0 { return isCanonical ? bytes : assemble(netloc: netloc) }
        return assemble(netloc: netloc, appending: isHTTPS ? Self.https443 : Self.http80)
    }

    static let https443: [UInt8] = Array(":443".utf8)
    static let http80: [UInt8] = Array(":80".utf8)
    static let httpsPrefix: [UInt8] = Array("https://".utf8)
    static let httpPrefix: [UInt8] = Array("http://".utf8)

    /// urlunparse(scheme, netloc, path, params, query, fragment).
    func assemble(netloc: Range<Int>, appending suffix: [UInt8] = []) -> [UInt8] {
        var url: [UInt8] = []
        url.reserveCapacity(bytes.count + 8)
        url.append(contentsOf: isHTTPS ? Self.httpsPrefix : Self.httpPrefix)
        url.append(contentsOf: bytes[netloc])
        url.append(contentsOf: suffix)
        let pathEmpty = path.isEmpty && params.isEmpty
        if !pathEmpty, path.isEmpty || bytes[path.lowerBound] != UInt8(ascii: "/") { url.append(UInt8(ascii: "/")) }
        url.append(contentsOf: bytes[path])
        if !params.isEmpty {
            url.append(UInt8(ascii: ";"))
            url.append(contentsOf: bytes[params])
        }
        if !query.isEmpty {
            url.append(UInt8(ascii: "?"))
            url.append(contentsOf: bytes[query])
        }
        if !fragment.isEmpty {
            url.append(UInt8(ascii: "#"))
            url.append(contentsOf: bytes[fragment])
        }
        return url
    }
}
