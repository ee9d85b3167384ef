import StatusEvents
import Testing

@Suite struct PublicURLResolverTests {
    func resolver(base: String? = nil, proxies: [String] = []) throws -> PublicURLResolver {
        try PublicURLResolver(configuration: .init(publicBaseURL: base, trustedProxies: proxies))
    }

    @Test func configuredBaseWins() throws {
        let resolver = try resolver(base: "https://relay.example.com/", proxies: ["10.0.0.0/8"])
        let url = try resolver.resolve(
            target: "/twilio/status?x=%27&y=a+b", headers: [("Host", "internal:8080"), ("X-Forwarded-Host", "evil.example")],
            peerAddress: "10.1.2.3"
        )
        #expect(url == "https://relay.example.com/twilio/status?x=%27&y=a+b")
        let prefixed = try self.resolver(base: "https://relay.example.com:8443/hooks")
        #expect(try prefixed.resolve(target: "/status", headers: [], peerAddress: nil) == "https://relay.example.com:8443/hooks/status")
    }

    @Test func fragmentIsDroppedAndQueryKeptRaw() throws {
        let resolver = try resolver()
        let url = try resolver.resolve(target: "/s?a=%2B+b#rc=3&rp=all", headers: [("host", "relay.example.com")], peerAddress: "1.2.3.4", scheme: "https")
        #expect(url == "https://relay.example.com/s?a=%2B+b")
    }

    @Test func forwardedHeadersOnlyFromTrustedProxies() throws {
        let resolver = try resolver(proxies: ["10.0.0.0/8", "fd00::/8", "192.168.1.5"])
        let headers: [(name: String, value: String)] = [
            ("Host", "internal:8080"), ("X-Forwarded-Proto", "https"), ("X-Forwarded-Host", "relay.example.com, proxy2"),
            ("X-Forwarded-Port", "443"),
        ]
        #expect(try resolver.resolve(target: "/s", headers: headers, peerAddress: "10.9.8.7") == "https://relay.example.com/s")
        #expect(try resolver.resolve(target: "/s", headers: headers, peerAddress: "::ffff:10.9.8.7") == "https://relay.example.com/s")
        #expect(try resolver.resolve(target: "/s", headers: headers, peerAddress: "fd12::1") == "https://relay.example.com/s")
        #expect(try resolver.resolve(target: "/s", headers: headers, peerAddress: "192.168.1.5") == "https://relay.example.com/s")
        // Untrusted peers get the Host header, whatever they claim.
        #expect(try resolver.resolve(target: "/s", headers: headers, peerAddress: "192.168.1.6") == "http://internal:8080/s")
        #expect(try resolver.resolve(target: "/s", headers: headers, peerAddress: "11.0.0.1") == "http://internal:8080/s")
        #expect(try resolver.resolve(target: "/s", headers: headers, peerAddress: nil) == "http://internal:8080/s")
    }

    @Test func forwardedPortIsAddedWhenNotDefault() throws {
        let resolver = try resolver(proxies: ["127.0.0.1"])
        let headers: [(name: String, value: String)] = [("X-Forwarded-Proto", "https"), ("X-Forwarded-Host", "relay.example.com"), ("X-Forwarded-Port", "8443")]
        #expect(try resolver.resolve(target: "/s", headers: headers, peerAddress: "127.0.0.1") == "https://relay.example.com:8443/s")
        let withPortInHost: [(name: String, value: String)] = [("X-Forwarded-Host", "relay.example.com:9000"), ("X-Forwarded-Port", "8443")]
        #expect(try resolver.resolve(target: "/s", headers: withPortInHost, peerAddress: "127.0.0.1") == "http://relay.example.com:9000/s")
    }

    @Test func rfc7239Forwarded() throws {
        let resolver = try resolver(proxies: ["127.0.0.0/8"])
        let headers: [(name: String, value: String)] = [
            ("Host", "internal"), ("Forwarded", "for=1.2.3.4;proto=https;host=\"relay.example.com\", for=5.6.7.8;host=other"),
        ]
        #expect(try resolver.resolve(target: "/s?q=1", headers: headers, peerAddress: "127.0.0.2") == "https://relay.example.com/s?q=1")
    }

    @Test func invalidHostsAreRejected() throws {
        let resolver = try resolver()
        for host in ["", "evil.com/path", "user@host", "a b", "host\r\nX: y"] {
            #expect(throws: WebhookError.self) { try resolver.resolve(target: "/s", headers: [("Host", host)], peerAddress: nil) }
        }
        do {
            _ = try resolver.resolve(target: "/s", headers: [], peerAddress: nil)
            Issue.record("expected invalid_request_url")
        } catch {
            #expect(error.reason == "invalid_request_url")
        }
    }

    @Test func invalidConfigurationIsRejected() {
        for base in ["ftp://x", "https://", "https://h/p?q=1", "https://h#f", "relay.example.com"] {
            #expect(throws: WebhookError.self) { try PublicURLResolver(configuration: .init(publicBaseURL: base)) }
        }
        for proxy in ["10.0.0.0/33", "300.1.1.1", "fd00::/129", "not-an-ip", "1::2::3"] {
            #expect(throws: WebhookError.self) { try PublicURLResolver(configuration: .init(trustedProxies: [proxy])) }
        }
    }

    @Test func cidrMatching() throws {
        let v4 = try IPAddressRange("10.20.0.0/16")
        #expect(v4.contains("10.20.255.1"))
        #expect(!v4.contains("10.21.0.1"))
        #expect(!v4.contains("garbage"))
        let v6 = try IPAddressRange("2001:db8::/32")
        #expect(v6.contains("2001:db8:1::1"))
        #expect(v6.contains("[2001:db8::5]"))
        #expect(!v6.contains("2001:db9::1"))
        #expect(try IPAddressRange("::1").contains("::1"))
        #expect(try IPAddressRange("0.0.0.0/0").contains("8.8.8.8"))
        #expect(try IPAddressRange("::ffff:0:0/96").contains("1.2.3.4"))
    }
}
