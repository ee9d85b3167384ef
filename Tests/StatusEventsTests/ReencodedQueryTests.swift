@testable import StatusEvents
import Testing

/// twilio-node's re-encoded query forms (issue 17 §6): each accepted, nothing else, bounded work.
@Suite struct ReencodedQueryTests {
    /// (query, `new URL()`'s query, `querystring.stringify(querystring.parse(…))` of that), printed
    /// by Node 20: `node -e 'const qs=require("querystring"); const w=new URL("https://h/p?"+q).search.slice(1); console.log(w, qs.stringify(qs.parse(w)))'`.
    static let node: [(String, String, String)] = [
        ("x=%27", "x=%27", "x='"),
        ("x='quoted'", "x=%27quoted%27", "x='quoted'"),
        ("a=1&&b=2", "a=1&&b=2", "a=1&b=2"),
        ("a=1&b&c=", "a=1&b&c=", "a=1&b=&c="),
        ("=x&y", "=x&y", "=x&y="),
        ("a=1&b=2&a=3", "a=1&b=2&a=3", "a=1&a=3&b=2"),
        ("b=1&2=x&1=y&01=z&4294967295=m&4294967294=n", "b=1&2=x&1=y&01=z&4294967295=m&4294967294=n", "1=y&2=x&4294967294=n&b=1&01=z&4294967295=m"),
        ("x=%27&y=%", "x=%27&y=%", "x='&y=%25"),
        ("x=%FF", "x=%FF", "x=%EF%BF%BD"),
        ("x=a+b%2B", "x=a+b%2B", "x=a%20b%2B"),
        ("x=%E2%82", "x=%E2%82", "x=%EF%BF%BD"),
        ("&&&", "&&&", ""),
        ("a=%ED%A0%80", "a=%ED%A0%80", "a=%EF%BF%BD%EF%BF%BD%EF%BF%BD"),
        ("x=~!*()%7E%21", "x=~!*()%7E%21", "x=~!*()~!"),
        ("x=é", "x=%C3%A9", "x=%C3%A9"),
        ("a==b", "a==b", "a=%3Db"),
        ("%41=1&A=2", "%41=1&A=2", "A=1&A=2"),
        ("x=%2a&y=%2A", "x=%2a&y=%2A", "x=*&y=*"),
        ("q=a b\"<>", "q=a%20b%22%3C%3E", "q=a%20b%22%3C%3E"),
        ("plain=1&region=us1", "plain=1&region=us1", "plain=1&region=us1"),
    ]

    @Test func reencodingMatchesNode() {
        for (query, whatwg, legacy) in Self.node {
            let bytes = Array(query.utf8)[...]
            let encoded = QueryReencoding.whatwg(bytes).map { String(decoding: $0, as: UTF8.self) } ?? query
            #expect(encoded == whatwg, "\(query)")
            let reencoded = QueryReencoding.legacy(Array(whatwg.utf8)[...]).map { String(decoding: $0, as: UTF8.self) } ?? whatwg
            #expect(reencoded == legacy, "\(query)")
            // Re-encoding what `new URL()` gave is the same as re-encoding the raw query.
            #expect((QueryReencoding.legacy(bytes).map { String(decoding: $0, as: UTF8.self) } ?? query) == legacy, "\(query)")
        }
    }

    static func forms(_ url: String) throws -> [String] {
        let parts = try #require(SigningURL.Parts(url: url))
        return parts.reencodedQueryForms(excluding: [parts.withoutPort(), parts.withPort()]).map { String(decoding: $0, as: UTF8.self) }
    }

    @Test func formsAreTwilioNodesQueryVariantsOnly() throws {
        // Nothing to re-encode: no extra form (and no extra MAC).
        #expect(try Self.forms("https://relay.example.com/s?region=us1").isEmpty)
        #expect(try Self.forms("https://relay.example.com/s").isEmpty)
        // `'` in the request: `new URL()` encodes it; querystring gives it back unencoded (= the URL as received).
        #expect(
            try Self.forms("https://relay.example.com/s?n=o'b") == ["https://relay.example.com/s?n=o%27b", "https://relay.example.com:443/s?n=o%27b"]
        )
        // `%27` in the request: only querystring changes it.
        #expect(try Self.forms("https://relay.example.com/s?n=o%27b") == ["https://relay.example.com/s?n=o'b"])
        // A port other than the default: the querystring form with and without it.
        #expect(
            try Self.forms("https://relay.example.com:8443/s?n=o'b&a") == [
                "https://relay.example.com/s?n=o%27b&a", "https://relay.example.com:8443/s?n=o%27b&a",
                "https://relay.example.com/s?n=o'b&a=", "https://relay.example.com:8443/s?n=o'b&a=",
            ]
        )
        // Userinfo stays (twilio-python's port removal would drop it; twilio-node's does not).
        #expect(try Self.forms("https://u:p@relay.example.com:8443/s?n=%27") == ["https://u:p@relay.example.com/s?n='", "https://u:p@relay.example.com:8443/s?n='"])
        // Explicit port 0: the libraries disagree about it, so no extra form.
        #expect(try Self.forms("https://relay.example.com:0/s?n=o'b").isEmpty)
    }

    static let token = "reencoded-token"
    static let parameters: FormParameters = [("MessageSid", "SM0123"), ("MessageStatus", "delivered")]

    static func accepts(requestURL: String, signedURL: String) throws -> SignatureVerifier.Match? {
        let request = WebhookRequest(
            url: requestURL, signature: SignatureVerifier.computeSignature(url: signedURL, parameters: parameters, secret: token),
            signatureSettings: nil, bodyKind: .form, body: [], parameters: parameters, accountSid: nil
        )
        return try? SignatureVerifier(secrets: WebhookSecrets(authTokens: [token])).verify(request)
    }

    @Test func eachReencodedFormIsAcceptedAndNothingElse() throws {
        let url = "https://relay.example.com/twilio/status?tag=o'brien&n=%27&x=a+b"
        // twilio-python's forms, then twilio-node's.
        #expect(try Self.accepts(requestURL: url, signedURL: url)?.matchedReencodedQuery == false)
        #expect(try Self.accepts(requestURL: url, signedURL: "https://relay.example.com:443/twilio/status?tag=o'brien&n=%27&x=a+b")?.matchedWithPort == true)
        for signed in [
            "https://relay.example.com/twilio/status?tag=o%27brien&n=%27&x=a+b",
            "https://relay.example.com:443/twilio/status?tag=o%27brien&n=%27&x=a+b",
            "https://relay.example.com/twilio/status?tag=o'brien&n='&x=a%20b",
        ] {
            #expect(try Self.accepts(requestURL: url, signedURL: signed)?.matchedReencodedQuery == true, "\(signed)")
        }
        // Any other change: another encoding of the same text, other parts re-encoded, order, case.
        for signed in [
            "https://relay.example.com:443/twilio/status?tag=o'brien&n='&x=a%20b",  // querystring form with the default port
            "https://relay.example.com/twilio/status?tag=o%27brien&n=%2527&x=a+b",
            "https://relay.example.com/twilio/status?tag=o%27brien&n=%27&x=a%20b",
            "https://relay.example.com/twilio/status?tag=o'brien&n='&x=a+b",
            "https://relay.example.com/twilio/status?n='&tag=o'brien&x=a%20b",
            "https://relay.example.com/twilio/status?tag=o%27brien&n=%27&x=a%2Bb",
            "https://relay.example.com/twilio/status?tag=o%27Brien&n=%27&x=a+b",
            "https://relay.example.com/twilio/Status?tag=o%27brien&n=%27&x=a+b",
            "https://Relay.example.com/twilio/status?tag=o%27brien&n=%27&x=a+b",
            "http://relay.example.com/twilio/status?tag=o%27brien&n=%27&x=a+b",
            "https://relay.example.com/twilio/status?tag=o%27brien&n=%27&x=a+b&",
            "https://relay.example.com/twilio/status?tag=o%27brien&n=%27",
        ] {
            #expect(try Self.accepts(requestURL: url, signedURL: signed) == nil, "\(signed)")
        }
    }

    /// The work before authentication (issue 16's rule): a failing signature costs at most six MACs
    /// per key, each over at most 3× the URL plus the payload; a query with nothing to re-encode
    /// costs the two twilio-python forms only.
    @Test(arguments: [
        String(repeating: "'", count: 8000),
        String(repeating: "%FF", count: 2700),
        String(repeating: "a+b&", count: 2000),
        String(repeating: "é", count: 4000),
        String(repeating: "&", count: 8000),
        String(repeating: "1=", count: 4000),
        (0..<1500).map { "\($0)=\($0)" }.reversed().joined(separator: "&"),
    ])
    func failingSignatureWorkIsBounded(query: String) throws {
        let payload = FormParameters([("Body", String(repeating: "x", count: 60_000))])
        for base in ["https://relay.example.com/s?", "https://u:p@relay.example.com:8443/s?"] {
            let url = base + query
            let request = WebhookRequest(
                url: url, signature: "AAAAAAAAAAAAAAAAAAAAAAAAAAA=", signatureSettings: nil, bodyKind: .form, body: [],
                parameters: payload, accountSid: nil
            )
            let verifier = SignatureVerifier(secrets: WebhookSecrets(authTokens: ["primary", "secondary"]))
            var cost = SignatureVerifier.MACCost()
            #expect(throws: WebhookError.self) { try verifier.verify(request, cost: &cost) }
            let payloadBytes = 60_000 + "Body".utf8.count
            #expect(cost.macs <= 2 * 6, "\(cost.macs) MACs")
            #expect(cost.bytes <= cost.macs * (3 * url.utf8.count + payloadBytes), "\(cost.bytes) bytes")
        }
        var plain = SignatureVerifier.MACCost()
        let request = WebhookRequest(
            url: "https://relay.example.com/s?region=us1", signature: "AAAAAAAAAAAAAAAAAAAAAAAAAAA=", signatureSettings: nil, bodyKind: .form,
            body: [], parameters: payload, accountSid: nil
        )
        _ = try? SignatureVerifier(secrets: WebhookSecrets(authTokens: ["primary", "secondary"])).verify(request, cost: &plain)
        #expect(plain.macs == 4)
    }
}
