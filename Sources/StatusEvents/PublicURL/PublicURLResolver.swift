/// Reconstructs the public URL Twilio called, which is what the signature covers.
///
/// In order of preference:
/// 1. the configured public base URL (recommended): `base + request target`, where the base may
///    carry a path prefix (`https://relay.example.com/hooks` + `/twilio/status?x=1`) and
///    `user:password@` (basic auth, see `credentials`): Twilio signs the URL with the userinfo;
/// 2. when the peer address is in `trustedProxies`: `X-Forwarded-Proto` / `-Host` / `-Port`, else
///    RFC 7239 `Forwarded` (`proto=`, `host=`). The first (left-most) value of a list is used, so
///    trusted proxies must overwrite these headers rather than append client-supplied values;
/// 3. otherwise the `Host` header with the scheme the listener serves.
///
/// The request target's path and raw query are kept byte for byte; a `#fragment` is dropped.
/// Pure: a function of configuration, request target, headers and peer address.
public struct PublicURLResolver: Sendable {
    public struct Configuration: Sendable, Hashable {
        /// `scheme://[user:password@]host[:port][/prefix]`, no query or fragment. Default nil
        /// (reconstruct from headers).
        public var publicBaseURL: String?
        /// IP addresses / CIDR blocks whose forwarding headers are believed. Default empty.
        public var trustedProxies: [String]

        public init(publicBaseURL: String? = nil, trustedProxies: [String] = []) {
            self.publicBaseURL = publicBaseURL
            self.trustedProxies = trustedProxies
        }
    }

    public let configuration: Configuration
    /// The credentials every callback must carry when the base URL has `user:password@`.
    public let credentials: BasicCredentials?
    private let base: String?
    private let proxies: [IPAddressRange]

    /// - Throws: `invalidConfiguration` for an invalid base URL or proxy entry.
    public init(configuration: Configuration) throws(WebhookError) {
        self.configuration = configuration
        if var base = configuration.publicBaseURL, !base.isEmpty {
            let lower = base.lowercased()
            guard lower.hasPrefix("https://") || lower.hasPrefix("http://") else {
                throw WebhookError(code: .invalidConfiguration, message: "public base URL must start with http:// or https://")
            }
            guard !base.contains("?"), !base.contains("#") else {
                throw WebhookError(code: .invalidConfiguration, message: "public base URL must not have a query or fragment")
            }
            let authorityStart = base.index(base.startIndex, offsetBy: lower.hasPrefix("https://") ? 8 : 7)
            let authority = base[authorityStart...].prefix { $0 != "/" }
            let userinfo = Self.userinfo(ofAuthority: authority)
            guard Self.isValidHost(authority[(userinfo.map { authority.index(after: $0.endIndex) } ?? authority.startIndex)...]) else {
                throw WebhookError(code: .invalidConfiguration, message: "public base URL has an invalid host")
            }
            if let userinfo {
                guard let credentials = BasicCredentials(userinfo: userinfo) else {
                    throw WebhookError(
                        code: .invalidConfiguration,
                        message: "public base URL credentials must be user:password (visible ASCII, % escapes valid)"
                    )
                }
                self.credentials = credentials
            } else {
                self.credentials = nil
            }
            while base.hasSuffix("/") { base.removeLast() }
            self.base = base
        } else {
            self.base = nil
            self.credentials = nil
        }
        var proxies: [IPAddressRange] = []
        for entry in configuration.trustedProxies {
            proxies.append(try IPAddressRange(entry.trimmingCharacters(in: " \t")))
        }
        self.proxies = proxies
    }

    /// - Parameters:
    ///   - target: the request target as received: path and raw query (`/twilio/status?x=%27`).
    ///   - headers: request headers (names case-insensitive).
    ///   - peerAddress: the TCP peer IP, nil when unknown (never trusted).
    ///   - scheme: the scheme this listener serves (`https` when it terminates TLS).
    /// - Throws: `invalidRequestURL` when no usable host is available.
    public func resolve(
        target: String,
        headers: [(name: String, value: String)],
        peerAddress: String?,
        scheme: String = "http"
    ) throws(WebhookError) -> String {
        var target = Substring(target)
        if let hash = target.firstIndex(of: "#") { target = target[..<hash] }
        if !target.hasPrefix("/") {
            // absolute-form (`http://host/path`): keep the path and query only.
            if let schemeEnd = target.firstRange(of: "://") {
                let afterAuthority = target[schemeEnd.upperBound...].drop { $0 != "/" && $0 != "?" }
                target = afterAuthority
            }
            if !target.hasPrefix("/") { target = "/" + target }
        }
        if let base { return base + target }

        func header(_ name: String) -> String? {
            for entry in headers where entry.name.lowercased() == name { return entry.value }
            return nil
        }
        func firstListItem(_ value: String?) -> String? {
            guard let value else { return nil }
            let item = value.split(separator: ",", maxSplits: 1, omittingEmptySubsequences: false)[0].trimmingASCIIWhitespace()
            return item.isEmpty ? nil : String(item)
        }

        var proto = scheme.lowercased()
        var host = header("host")
        var port: String?
        if let peerAddress, proxies.contains(where: { $0.contains(peerAddress) }) {
            let forwardedProto = firstListItem(header("x-forwarded-proto"))
            let forwardedHost = firstListItem(header("x-forwarded-host"))
            if forwardedProto != nil || forwardedHost != nil {
                if let forwardedProto { proto = forwardedProto.lowercased() }
                if let forwardedHost { host = forwardedHost }
                port = firstListItem(header("x-forwarded-port"))
            } else if let forwarded = firstListItem(header("forwarded")) {
                for pair in forwarded.split(separator: ";") {
                    guard let equals = pair.firstIndex(of: "=") else { continue }
                    let name = pair[..<equals].trimmingASCIIWhitespace().lowercased()
                    var value = pair[pair.index(after: equals)...].trimmingASCIIWhitespace()
                    if value.count >= 2, value.first == "\"", value.last == "\"" { value = value.dropFirst().dropLast() }
                    if name == "proto", !value.isEmpty { proto = value.lowercased() }
                    if name == "host", !value.isEmpty { host = String(value) }
                }
            }
        }
        guard proto == "http" || proto == "https" else {
            throw WebhookError(code: .invalidRequestURL, message: "unsupported forwarded protocol '\(proto.prefix(20))'")
        }
        guard var host, Self.isValidHost(Substring(host)) else {
            throw WebhookError(code: .invalidRequestURL, message: "missing or invalid Host header")
        }
        if let port, !Self.hasPort(host) {
            guard !port.isEmpty, port.count <= 5, port.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) else {
                throw WebhookError(code: .invalidRequestURL, message: "invalid X-Forwarded-Port")
            }
            let isDefault = (proto == "https" && port == "443") || (proto == "http" && port == "80")
            if !isDefault { host += ":" + port }
        }
        return proto + "://" + host + target
    }

    /// Whether `url` carries `user[:password]@` before its host (configuration checks refuse
    /// credentials where they would show, e.g. in a flag).
    public static func hasUserinfo(_ url: String) -> Bool {
        guard let schemeEnd = url.firstRange(of: "://") else { return false }
        return userinfo(ofAuthority: url[schemeEnd.upperBound...].prefix { $0 != "/" && $0 != "?" && $0 != "#" }) != nil
    }

    /// The text before the authority's last `@`, nil without one.
    static func userinfo(ofAuthority authority: Substring) -> Substring? {
        authority.lastIndex(of: "@").map { authority[..<$0] }
    }

    static func hasPort(_ host: String) -> Bool {
        if host.hasPrefix("[") { return host.contains("]:") }
        return host.contains(":")
    }

    /// reg-name / IPv4 / `[IPv6]` with an optional numeric port; nothing that could smuggle a
    /// path, userinfo or whitespace into the URL.
    static func isValidHost(_ host: Substring) -> Bool {
        guard !host.isEmpty, host.utf8.count <= 255 else { return false }
        return host.utf8.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: ":"), UInt8(ascii: "["), UInt8(ascii: "]"):
                true
            default:
                false
            }
        }
    }
}

extension String {
    func trimmingCharacters(in set: String) -> String {
        var slice = Substring(self)
        while let first = slice.first, set.contains(first) { slice.removeFirst() }
        while let last = slice.last, set.contains(last) { slice.removeLast() }
        return String(slice)
    }
}
