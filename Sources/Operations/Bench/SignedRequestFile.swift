import Foundation

/// Requests pre-signed by `scripts/bench/sign_requests.py`: one `<signature>\t<form body>` per line.
/// Turned into complete HTTP/1.1 request bytes for one target so the load generator only copies them.
package struct SignedRequestFile: Sendable {
    package struct Entry: Sendable, Hashable {
        package var signature: String
        package var body: String
    }

    package var entries: [Entry]

    package init(entries: [Entry]) {
        self.entries = entries
    }

    /// Reads at most `limit` entries from `path`.
    package init(contentsOf path: String, limit: Int = .max) throws {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        var entries: [Entry] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: true) {
            guard let tab = line.firstIndex(of: "\t") else {
                throw BenchError("malformed line in \(path): no tab")
            }
            entries.append(Entry(signature: String(line[..<tab]), body: String(line[line.index(after: tab)...])))
            if entries.count >= limit { break }
        }
        guard !entries.isEmpty else { throw BenchError("\(path) holds no requests") }
        self.entries = entries
    }

    /// Raw HTTP/1.1 requests (keep-alive) for `host:port` + `path`, one per entry.
    package func httpRequests(host: String, port: Int, path: String) -> [[UInt8]] {
        entries.enumerated().map { index, entry in
            let head =
                "POST \(path) HTTP/1.1\r\nHost: \(host):\(port)\r\n"
                + "Content-Type: application/x-www-form-urlencoded\r\n"
                + "X-Twilio-Signature: \(entry.signature)\r\n"
                + "I-Twilio-Idempotency-Token: bench-\(index)\r\n"
                + "Content-Length: \(entry.body.utf8.count)\r\n\r\n"
            return Array(head.utf8) + Array(entry.body.utf8)
        }
    }
}
