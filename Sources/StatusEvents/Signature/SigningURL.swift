/// The two URL forms twilio-python's `RequestValidator.validate` signs: the URL with its port
/// removed and the URL with the scheme's default port added (twilio-node's re-encoded query forms
/// are in `SigningURL+Reencoded.swift`).
///
/// This mirrors `urllib.parse.urlparse(...).geturl()` (Python 3.11) so accept/reject decisions match
/// the reference bit for bit, including its quirks: an empty `?` or `;` is dropped, the scheme is
/// lower-cased, *any* explicit port is removed in the "without" form (not only :443/:80), and port 0
/// counts as no port. Only http and https URLs are supported.
public struct SigningURL: Sendable, Hashable {
    let withoutPortBytes: [UInt8]
    let withPortBytes: [UInt8]

    /// The URL with the port removed (or as given when it has none).
    public var withoutPort: String { String(decoding: withoutPortBytes, as: UTF8.self) }
    /// The URL with `:443` (https) / `:80` (http) added when it has no port (or as given when it has one).
    public var withPort: String { String(decoding: withPortBytes, as: UTF8.self) }

    /// - Returns: nil when the URL is not an absolute http(s) URL or its port is not 0...65535
    ///   (twilio-python raises for those).
    public init?(_ url: String) {
        guard let parts = Parts(url: url) else { return nil }
        withoutPortBytes = parts.withoutPort()
        withPortBytes = parts.withPort()
    }

    /// Byte ranges of the components, as urlsplit/urlparse see them.
    struct Parts {
        let bytes: [UInt8]
        let isHTTPS: Bool
        let netloc: Range<Int>
        /// After the netloc's last `@` (its start without userinfo).
        let hostStart: Int
        let path: Range<Int>
        let params: Range<Int>
        let query: Range<Int>
        let fragment: Range<Int>
        /// nil: no port; Python raises for an invalid one, so init fails.
        let port: Int?
        /// True when urlunparse would give back exactly `bytes` (lower-case scheme, no empty `?`,
        /// `;` or `#`), so the usual port-less URL needs no copy.
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

        /// One pass over the netloc and one over the rest, on plain indices: slicing the array
        /// retained its buffer per search, which cost more than the scan itself.
        init?(_ bytes: [UInt8]) {
            self.bytes = bytes
            let count = bytes.count
            func lower(_ byte: UInt8) -> UInt8 { byte >= 65 && byte <= 90 ? byte | 0x20 : byte }
            guard count >= 7, lower(bytes[0]) == UInt8(ascii: "h"), lower(bytes[1]) == UInt8(ascii: "t"),
                lower(bytes[2]) == UInt8(ascii: "t"), lower(bytes[3]) == UInt8(ascii: "p")
            else { return nil }
            isHTTPS = lower(bytes[4]) == UInt8(ascii: "s")
            let schemeEnd = isHTTPS ? 5 : 4
            guard schemeEnd + 3 <= count, bytes[schemeEnd] == UInt8(ascii: ":"), bytes[schemeEnd + 1] == UInt8(ascii: "/"),
                bytes[schemeEnd + 2] == UInt8(ascii: "/")
            else { return nil }

            // netloc: up to the first `/`, `?` or `#`; the host starts after its last `@`.
            let netlocStart = schemeEnd + 3
            var netlocEnd = netlocStart
            var hostStart = netlocStart
            var hasOpen = false
            var hasClose = false
            scan: while netlocEnd < count {
                switch bytes[netlocEnd] {
                case UInt8(ascii: "/"), UInt8(ascii: "?"), UInt8(ascii: "#"): break scan
                case UInt8(ascii: "@"): hostStart = netlocEnd + 1
                case UInt8(ascii: "["): hasOpen = true
                case UInt8(ascii: "]"): hasClose = true
                default: break
                }
                netlocEnd += 1
            }
            netloc = netlocStart..<netlocEnd
            self.hostStart = hostStart
            // urlsplit: "Invalid IPv6 URL".
            guard hasOpen == hasClose else { return nil }

            // The first `#`; before it the first `?`; before that the last `/` and the first `;`
            // after it (urlparse's _splitparams).
            var fragmentMark = count
            var queryMark: Int?
            var semicolon: Int?
            var index = netlocEnd
            while index < count {
                let byte = bytes[index]
                if byte == UInt8(ascii: "#") {
                    fragmentMark = index
                    break
                }
                if queryMark == nil {
                    if byte == UInt8(ascii: "?") {
                        queryMark = index
                    } else if byte == UInt8(ascii: "/") {
                        semicolon = nil
                    } else if byte == UInt8(ascii: ";"), semicolon == nil {
                        semicolon = index
                    }
                }
                index += 1
            }
            let pathEnd = queryMark ?? fragmentMark
            fragment = min(fragmentMark + 1, count)..<count
            query = min(pathEnd + 1, fragmentMark)..<fragmentMark
            if let semicolon {
                path = netlocEnd..<semicolon
                params = (semicolon + 1)..<pathEnd
            } else {
                path = netlocEnd..<pathEnd
                params = pathEnd..<pathEnd
            }

            // urlparse(...).port: after the first `:` of the host, or of what follows `[...]`.
            var portStart = netlocEnd
            var position = hostStart
            while position < netlocEnd, bytes[position] != UInt8(ascii: "[") { position += 1 }
            if position < netlocEnd {
                while position < netlocEnd, bytes[position] != UInt8(ascii: "]") { position += 1 }
            } else {
                position = hostStart
            }
            while position < netlocEnd, bytes[position] != UInt8(ascii: ":") { position += 1 }
            if position < netlocEnd { portStart = position + 1 }

            let schemeIsLower = (0..<schemeEnd).allSatisfy { bytes[$0] >= UInt8(ascii: "a") }
            isCanonical = schemeIsLower && (queryMark == nil || !query.isEmpty)
                && (fragmentMark == count || !fragment.isEmpty) && (path.upperBound == pathEnd || !params.isEmpty)
            if portStart == netlocEnd {
                port = nil
            } else {
                var value = 0
                for offset in portStart..<netlocEnd {
                    let byte = bytes[offset]
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

        /// urlunparse(scheme, netloc, path, params, query, fragment); a `query` given replaces the
        /// URL's and is written after a `?` even when empty (as twilio-node writes it).
        func assemble(netloc: Range<Int>, appending suffix: [UInt8] = [], query replacement: [UInt8]? = nil) -> [UInt8] {
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
            if let replacement {
                url.append(UInt8(ascii: "?"))
                url.append(contentsOf: replacement)
            } else if !query.isEmpty {
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
}
