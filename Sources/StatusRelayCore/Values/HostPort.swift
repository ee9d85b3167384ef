/// A `HOST:PORT` listen or connect address. IPv6 hosts are written in brackets (`[::1]:8080`).
package struct HostPort: Sendable, Hashable, CustomStringConvertible {
    package var host: String
    package var port: Int

    package init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// Parses `host:port`, `[v6]:port` or `:port` (all interfaces); nil when invalid.
    package init?(parsing text: String) {
        let input = text.trimmingWhitespace()
        guard let colon = input.lastIndex(of: ":") else { return nil }
        var host = String(input[..<colon])
        guard let port = Int(input[input.index(after: colon)...]), (0...65535).contains(port) else { return nil }
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        if host.isEmpty { host = "0.0.0.0" }
        self.init(host: host, port: port)
    }

    package var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}
