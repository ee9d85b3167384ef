import Foundation
import StatusEvents
import Testing
import TestSupport

/// Public URLs with `user:password@` (issue 17 §5): the credentials, and the signature over the
/// URL with its userinfo exactly as twilio-python decides it.
@Suite struct BasicAuthURLTests {
    static func basic(_ text: String) -> String { "Basic " + Data(text.utf8).base64EncodedString() }

    @Test func credentialsAreCheckedAgainstTheAuthorizationHeader() throws {
        let credentials = try #require(BasicCredentials(userinfo: "twilio:p%40ss%3Aword"))
        #expect(credentials.check(authorization: Self.basic("twilio:p@ss:word")) == .valid)
        #expect(credentials.check(authorization: "basic " + Data("twilio:p@ss:word".utf8).base64EncodedString()) == .valid)
        #expect(credentials.check(authorization: "  Basic   " + Data("twilio:p@ss:word".utf8).base64EncodedString() + " ") == .valid)
        #expect(credentials.check(authorization: nil) == .missing)
        #expect(credentials.check(authorization: "Bearer abc") == .missing)
        #expect(credentials.check(authorization: "Basic") == .missing)
        #expect(credentials.check(authorization: Self.basic("twilio:p%40ss%3Aword")) == .invalid)
        #expect(credentials.check(authorization: Self.basic("twilio:p@ss:wor")) == .invalid)
        #expect(credentials.check(authorization: Self.basic("Twilio:p@ss:word")) == .invalid)
        #expect(credentials.check(authorization: "Basic !!!not-base64") == .invalid)

        #expect(BasicCredentials(userinfo: "user-only") == nil)
        #expect(BasicCredentials(userinfo: ":password") == nil)
        #expect(BasicCredentials(userinfo: "user:pa ss") == nil)
        #expect(BasicCredentials(userinfo: "user:bad%zz") == nil)
        #expect(BasicCredentials(userinfo: "user:") != nil)
    }

    @Test func publicURLMayCarryCredentials() throws {
        let resolver = try PublicURLResolver(configuration: .init(publicBaseURL: "https://twilio:s3cret@relay.example.com:8443/hooks/"))
        #expect(resolver.credentials?.check(authorization: Self.basic("twilio:s3cret")) == .valid)
        #expect(try resolver.resolve(target: "/status?x=1", headers: [], peerAddress: nil) == "https://twilio:s3cret@relay.example.com:8443/hooks/status?x=1")
        #expect(try PublicURLResolver(configuration: .init(publicBaseURL: "https://relay.example.com")).credentials == nil)
        #expect(PublicURLResolver.hasUserinfo("https://a:b@relay.example.com/x"))
        #expect(PublicURLResolver.hasUserinfo("https://a@relay.example.com"))
        #expect(!PublicURLResolver.hasUserinfo("https://relay.example.com/x@y"))
        for bad in ["https://user-only@relay.example.com", "https://a:b@", "https://a:b@bad host", "https://a b:c@relay.example.com"] {
            #expect(throws: WebhookError.self, "\(bad)") { try PublicURLResolver(configuration: .init(publicBaseURL: bad)) }
        }
    }

    /// Twilio signs the URL with `user:password@`; twilio-python's RequestValidator decides each
    /// (signed, seen) pair, with and without an added port, and the verifier must agree.
    @Test func signatureOverUserinfoAgreesWithTwilioPython() async throws {
        let urls = [
            "https://twilio:s3cret@relay.example.com/twilio/message-status",
            "https://twilio:s3cret@relay.example.com:443/twilio/message-status",
            "https://twilio:s3cret@relay.example.com:8443/twilio/message-status?x=1",
            "https://twilio:s3cret@relay.example.com:8443/twilio/message-status?x=%27",
            "https://twilio@relay.example.com:8443/twilio/message-status",
            "https://twilio:p%40ss@relay.example.com/twilio/message-status",
            "http://twilio:s3cret@relay.example.com/twilio/message-status",
            "http://twilio:s3cret@relay.example.com:80/twilio/message-status",
            "https://relay.example.com/twilio/message-status",
            "https://twilio/twilio/message-status",
            "https://twilio/twilio/message-status?x=1",
        ]
        let parameters: [(String, String)] = [("MessageSid", "SM0123"), ("MessageStatus", "delivered"), ("Body", "é & ü")]
        let script = """
            import json, sys
            from twilio.request_validator import RequestValidator
            token, urls, params = sys.argv[1], json.loads(sys.argv[2]), dict(json.loads(sys.argv[3]))
            v = RequestValidator(token)
            print(json.dumps([[v.compute_signature(s, params), [v.validate(r, params, v.compute_signature(s, params)) for r in urls]] for s in urls]))
            """
        let token = "basic-auth-token"
        let json = { (value: Any) in String(decoding: try JSONSerialization.data(withJSONObject: value), as: UTF8.self) }
        let process = try ChildProcess(
            try TestEnvironment.python, arguments: ["-c", script, token, try json(urls), try json(parameters.map { [$0.0, $0.1] })]
        )
        #expect(try await process.waitForExit() == .exited(0), "\(process.output())")
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(process.output().utf8)) as? [[Any]])
        try #require(rows.count == urls.count)
        let verifier = SignatureVerifier(secrets: WebhookSecrets(authTokens: [token]))
        var accepted = 0
        for (signed, row) in zip(urls, rows) {
            let signature = try #require(row[0] as? String)
            #expect(SignatureVerifier.computeSignature(url: signed, parameters: FormParameters(parameters), secret: token) == signature)
            let decisions = try #require(row[1] as? [Bool])
            for (seen, expected) in zip(urls, decisions) {
                let request = WebhookRequest(
                    url: seen, signature: signature, signatureSettings: nil, bodyKind: .form, body: [],
                    parameters: FormParameters(parameters), accountSid: nil
                )
                let match = try? verifier.verify(request)
                // twilio-node's re-encoded query forms come on top of python's decisions.
                if match?.matchedReencodedQuery == true { continue }
                #expect((match != nil) == expected, "signed \(signed), seen \(seen)")
                if expected { accepted += 1 }
            }
        }
        // The userinfo URLs are accepted with and without the default port.
        #expect(accepted >= urls.count + 4)
    }
}
