/// The two URL forms twilio-python's `RequestValidator.validate` signs: the URL with its port
/// removed and the URL with the scheme's default port added.
///
/// This mirrors `urllib.parse.urlparse(...).geturl()` (Python 3.11) so accept/reject decisions match
/// the reference bit for bit, including its quirks: an empty `?` or `;` is dropped, the scheme is
/// lower-cased, *any* explicit port is removed in the "without" form (not only :443/:80), and port 0
/// counts as no port. Only http and https URLs are supported.
public struct SigningURL: Sendable, Hashable {
    /// The URL with the port removed (or as given when it has none).
    public var withoutPort: String
    /// The URL with `:443` (https) / `:80` (http) added when it has no port (or as given when it has one).
    public var withPort: String

    /// - Returns: nil when the URL is not an absolute http(s) URL or its port is not 0...65535
    ///   (twilio-python raises for those).
    public init?(_ url: String) {
        // urlsplit removes ASCII tab/CR/LF anywhere and leading C0 controls / spaces.
        var text = Substring(url)
        if text.utf8.contains(where: { $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }) {
            text = Substring(String(String.UnicodeScalarView(text.unicodeScalars.filter { $0 != "\t" && $0 != "\n" && $0 != "\r" })))
        }
        while let first = text.unicodeScalars.first, first.value <= 0x20 { text = text.dropFirst() }

        guard let colon = text.firstIndex(of: ":") else { return nil }
        let scheme = text[..<colon].lowercased()
        guard scheme == "http" || scheme == "https" else { return nil }
        var rest = text[text.index(after: colon)...]
        guard rest.hasPrefix("//") else { return nil }
        rest = rest.dropFirst(2)
        let netlocEnd = rest.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) ?? rest.endIndex
        let netloc = rest[..<netlocEnd]
        rest = rest[netlocEnd...]
        var fragment: Substring = ""
        if let hash = rest.firstIndex(of: "#") {
            fragment = rest[rest.index(after: hash)...]
            rest = rest[..<hash]
        }
        var query: Substring = ""
        if let question = rest.firstIndex(of: "?") {
            query = rest[rest.index(after: question)...]
            rest = rest[..<question]
        }
        var path = rest
        var params: Substring = ""
        if path.contains(";") {
            let searchStart = path.lastIndex(of: "/") ?? path.startIndex
            if let semicolon = path[searchStart...].firstIndex(of: ";") {
                params = path[path.index(after: semicolon)...]
                path = path[..<semicolon]
            }
        }

        guard let port = Self.port(of: netloc) else { return nil }
        func assemble(_ netloc: Substring) -> String {
            var url = String(path)
            if !params.isEmpty { url += ";" + params }
            if !url.isEmpty && !url.hasPrefix("/") { url = "/" + url }
            url = scheme + "://" + netloc + url
            if !query.isEmpty { url += "?" + query }
            if !fragment.isEmpty { url += "#" + fragment }
            return url
        }
        let original = assemble(netloc)
        if case .value(let number) = port, number != 0 {
            let hostOnly = netloc.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)[0]
            withoutPort = assemble(hostOnly)
            withPort = original
        } else {
            withoutPort = original
            withPort = assemble(netloc + (scheme == "https" ? ":443" : ":80"))
        }
    }

    private enum Port { case absent, value(Int) }

    /// `urlparse(...).port`; nil where Python raises.
    private static func port(of netloc: Substring) -> Port? {
        var hostinfo = netloc
        if let at = netloc.lastIndex(of: "@") { hostinfo = netloc[netloc.index(after: at)...] }
        let portText: Substring
        if let open = hostinfo.firstIndex(of: "[") {
            let bracketed = hostinfo[hostinfo.index(after: open)...]
            let afterHost = bracketed.firstIndex(of: "]").map { bracketed[bracketed.index(after: $0)...] } ?? ""
            portText = afterHost.firstIndex(of: ":").map { afterHost[afterHost.index(after: $0)...] } ?? ""
        } else {
            portText = hostinfo.firstIndex(of: ":").map { hostinfo[hostinfo.index(after: $0)...] } ?? ""
        }
        if portText.isEmpty { return .absent }
        guard portText.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }),
            let value = Int(portText), value <= 65535
        else { return nil }
        return .value(value)
    }
}
