@testable import StatusEvents
import Testing
import TestSupport

/// The one-pass URL scanner against the former slice-based one, on URLs assembled from the bytes
/// urlsplit/urlparse care about (delimiters, brackets, userinfo, ports, controls).
@Suite struct SigningURLTests {
    @Test func scannerAgreesWithTheReference() {
        let prefixes = [
            "https://", "http://", "HTTPS://", "hTtP://", "httpx://", "ftp://", "https:/", "https:", "http://u:p@",
            "https://[::1]", "http://[", " \u{1}https://", "\thttp\n://", "",
        ]
        let pieces = [
            "a", "example.com", ":", ":443", ":80", ":0", ":00080", ":65535", ":65536", ":8x", "/", "//", "?", "#", ";",
            "@", "[", "]", "[::1]", "%27", "+", "é", " ", "\t", "\r", "=", "&", "x;y", "/p;q",
        ]
        var generator = SeededGenerator(seed: 0x5160)
        func pick(_ items: [String]) -> String { items[Int(generator.next() % UInt64(items.count))] }
        var accepted = 0
        var withPort = 0
        for _ in 0..<20000 {
            var url = pick(prefixes)
            for _ in 0..<Int(generator.next() % 12) { url += pick(pieces) }
            let reference = ReferenceSigningURL(url: url)
            let parts = SigningURL.Parts(url: url)
            #expect((parts == nil) == (reference == nil), "\(url)")
            guard let parts, let reference else { continue }
            accepted += 1
            if parts.port != nil { withPort += 1 }
            #expect(parts.bytes == reference.bytes, "\(url)")
            #expect(parts.isHTTPS == reference.isHTTPS, "\(url)")
            #expect(parts.netloc == reference.netloc, "\(url)")
            #expect(parts.path == reference.path, "\(url)")
            #expect(parts.params == reference.params, "\(url)")
            #expect(parts.query == reference.query, "\(url)")
            #expect(parts.fragment == reference.fragment, "\(url)")
            #expect(parts.port == reference.port, "\(url)")
            #expect(parts.isCanonical == reference.isCanonical, "\(url)")
            #expect(parts.withoutPort() == reference.withoutPort(), "\(url)")
            #expect(parts.withPort() == reference.withPort(), "\(url)")
        }
        #expect(accepted > 5000)
        #expect(withPort > 500)
    }
}
