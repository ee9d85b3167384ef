import StatusRelayCore
import Testing

/// `SecretRedaction.redact(url:)`, the one rule for showing a URL: userinfo, query values (but the
/// documented connection options) and fragments never appear.
@Suite struct URLRedactionTests {
    @Test(arguments: [
        ("http://h/p?token=X1", "http://h/p?token=<redacted>"),
        ("https://user:PW@host", "https://<redacted>@host"),
        ("https://TOKEN@host:8443/cb", "https://<redacted>@host:8443/cb"),
        ("https://user:PW@host/p?a=1&b=X2#frag", "https://<redacted>@host/p?a=<redacted>&b=<redacted>#<redacted>"),
        ("http://h/p?BARE", "http://h/p?<redacted>"),
        ("http://h/p?a=1&&b", "http://h/p?a=<redacted>&&<redacted>"),
        ("postgres://relay:pw@db:5432/events?sslmode=require&schema=s&password=X3",
         "postgres://<redacted>@db:5432/events?sslmode=require&schema=s&password=<redacted>"),
        ("postgres://relay:p@ss@db/events", "postgres://<redacted>@db/events"),
        ("http://h/a@b/c", "http://h/a@b/c"),
        ("sqlite:/var/lib/x.db", "sqlite:/var/lib/x.db"),
        ("sqlite:/var/lib/x.db?key=X4", "sqlite:/var/lib/x.db?key=<redacted>"),
        ("kafka:out", "kafka:out"),
        ("not a url ? secret=X5", "not a url ? secret=<redacted>"),
        ("https://example.com/twilio", "https://example.com/twilio"),
    ])
    func redacts(url: String, expected: String) {
        #expect(SecretRedaction.redact(url: url) == expected)
    }
}
