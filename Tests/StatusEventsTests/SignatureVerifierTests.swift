import StatusEvents
import Testing

@Suite struct SignatureVerifierTests {
    static let token = "12345678901234567890123456789012"
    static let accountSid = "AC0123456789abcdef0123456789abcdef"
    static let subaccountSid = "ACfedcba9876543210fedcba9876543210"
    static let url = "https://relay.example.com/twilio/status?x=%27"

    static func form(account: String = accountSid) -> [UInt8] {
        Array("AccountSid=\(account)&MessageSid=SM0123456789abcdef0123456789abcdef&MessageStatus=sent".utf8)
    }

    static func signedRequest(
        url: String = url, body: [UInt8] = form(), secret: String = token,
        algorithm: SignatureAlgorithm = .hmacSHA1, settings: String? = nil
    ) throws -> WebhookRequest {
        let parameters = try FormParameters.parse(body)
        let signature = SignatureVerifier.computeSignature(url: url, parameters: parameters, secret: secret, algorithm: algorithm)
        return try WebhookRequest(
            url: url, signature: signature, signatureSettings: settings,
            contentType: "application/x-www-form-urlencoded", body: body
        )
    }

    func error(_ verifier: SignatureVerifier, _ request: WebhookRequest) -> WebhookError? {
        do {
            try verifier.verify(request)
            return nil
        } catch {
            return error
        }
    }

    @Test func acceptsTheAuthTokenSignature() throws {
        let verifier = SignatureVerifier(secrets: WebhookSecrets(authTokens: [Self.token]))
        let match = try verifier.verify(try Self.signedRequest())
        #expect(match.authTokenIndex == 0)
        #expect(match.sharedKeyID == nil)
        #expect(match.algorithm == .hmacSHA1)
        #expect(!match.matchedWithPort)
    }

    @Test func knownSignature() {
        // The shape of the worked example in Twilio's security docs; value from twilio-python 9.13.
        let parameters: FormParameters = [
            ("CallSid", "CA1234567890ABCDE"), ("Caller", "+12349013030"), ("Digits", "1234"),
            ("From", "+12349013030"), ("To", "+18005551212"),
        ]
        let signature = SignatureVerifier.computeSignature(
            url: "https://mycompany.com/myapp.php?foo=1&bar=2", parameters: parameters, secret: "12345"
        )
        #expect(signature == "0/KCTR6DLpKmkAf8muzZqo1nDgQ=")
    }

    @Test func missingSignatureIs400Reason() throws {
        var request = try Self.signedRequest()
        request.signature = nil
        let verifier = SignatureVerifier(secrets: WebhookSecrets(authTokens: [Self.token]))
        #expect(error(verifier, request)?.code == .missingSignature)
        #expect(error(verifier, request)?.reason == "missing_signature")
        request.signature = ""
        #expect(error(verifier, request)?.code == .missingSignature)
    }

    @Test func wrongSignatureIsInvalidAndNeverLeaksSecrets() throws {
        var request = try Self.signedRequest()
        let good = try #require(request.signature)
        request.signature = "AAAA" + good.dropFirst(4)
        let verifier = SignatureVerifier(secrets: WebhookSecrets(authTokens: [Self.token, "second-token-abcdef"]))
        let failure = try #require(error(verifier, request))
        #expect(failure.code == .invalidSignature)
        #expect(failure.reason == "invalid_signature")
        for text in [failure.message, failure.description, String(describing: failure)] {
            #expect(!text.contains(Self.token))
            #expect(!text.contains("second-token"))
            #expect(!text.contains(good))
        }
    }

    @Test func rotationAcceptsTheSecondaryToken() throws {
        let verifier = SignatureVerifier(secrets: WebhookSecrets(authTokens: ["new-primary", Self.token]))
        #expect(try verifier.verify(try Self.signedRequest()).authTokenIndex == 1)
    }

    @Test func sharedKeySchemes() throws {
        let secrets = WebhookSecrets(
            authTokens: [Self.token],
            sharedKeys: [.init(id: "KS1", secret: "shared-one"), .init(id: "KS2", secret: "shared-two")]
        )
        let verifier = SignatureVerifier(secrets: secrets)
        let sha256 = try Self.signedRequest(secret: "shared-two", algorithm: .hmacSHA256, settings: "key=KS2,algorithm=HMAC_SHA256")
        let match = try verifier.verify(sha256)
        #expect(match.sharedKeyID == "KS2")
        #expect(match.algorithm == .hmacSHA256)
        let sha1 = try Self.signedRequest(secret: "shared-one", algorithm: .hmacSHA1, settings: "key=KS1,algorithm=HMAC_SHA1")
        #expect(try verifier.verify(sha1).sharedKeyID == "KS1")
        // The right signature under the wrong key id is rejected.
        var wrongKey = sha256
        wrongKey.signatureSettings = "key=KS1,algorithm=HMAC_SHA256"
        #expect(error(verifier, wrongKey)?.code == .invalidSignature)
        // An auth-token signature claiming a shared key is rejected.
        var claimed = try Self.signedRequest()
        claimed.signatureSettings = "key=KS1,algorithm=HMAC_SHA1"
        #expect(error(verifier, claimed)?.code == .invalidSignature)
    }

    @Test func unknownKeyAndAlgorithmHaveSpecificReasons() throws {
        let verifier = SignatureVerifier(
            secrets: WebhookSecrets(authTokens: [Self.token], sharedKeys: [.init(id: "KS1", secret: "shared-one")])
        )
        var request = try Self.signedRequest(secret: "shared-one", algorithm: .hmacSHA256, settings: "key=KS9,algorithm=HMAC_SHA256")
        #expect(error(verifier, request)?.reason == "unknown_signing_key")
        request.signatureSettings = "key=KS1,algorithm=HMAC_SHA512"
        #expect(error(verifier, request)?.reason == "unsupported_signature_algorithm")
        request.signatureSettings = "key=,algorithm=HMAC_SHA256"
        #expect(error(verifier, request)?.reason == "invalid_signature_settings")
        // Lower-case algorithm and spaces are accepted, as twilio-python does.
        request.signatureSettings = " key = KS1 , algorithm = hmac_sha256 "
        #expect(error(verifier, request) == nil)
    }

    @Test func settingsHeaderParsing() throws {
        #expect(try SignatureSettings(header: nil) == SignatureSettings(keyID: nil, algorithm: .hmacSHA1))
        #expect(try SignatureSettings(header: "") == SignatureSettings(keyID: nil, algorithm: .hmacSHA1))
        #expect(try SignatureSettings(header: "key=K") == SignatureSettings(keyID: "K", algorithm: .hmacSHA1))
        #expect(try SignatureSettings(header: "algorithm=,algorithm=HMAC_SHA256") == SignatureSettings(keyID: nil, algorithm: .hmacSHA256))
        #expect(try SignatureSettings(header: "foo,key=K,other=1") == SignatureSettings(keyID: "K", algorithm: .hmacSHA1))
    }

    @Test func perAccountSecretsOverrideTheDefault() throws {
        let secrets = WebhookSecrets(
            authTokens: [Self.token],
            accounts: [Self.subaccountSid: .init(authTokens: ["sub-token"])]
        )
        let verifier = SignatureVerifier(secrets: secrets)
        // The subaccount's callback verifies with its own token...
        let sub = try Self.signedRequest(body: Self.form(account: Self.subaccountSid), secret: "sub-token")
        #expect(try verifier.verify(sub).accountScoped)
        // ...and only with it: the default token no longer works for that account.
        let subWithDefault = try Self.signedRequest(body: Self.form(account: Self.subaccountSid), secret: Self.token)
        #expect(error(verifier, subWithDefault)?.code == .invalidSignature)
        // Other accounts keep the default.
        #expect(try !verifier.verify(try Self.signedRequest()).accountScoped)
        let otherWithSubToken = try Self.signedRequest(secret: "sub-token")
        #expect(error(verifier, otherWithSubToken)?.code == .invalidSignature)
    }

    @Test func accountWithOnlySharedKeysRejectsTokenScheme() throws {
        let secrets = WebhookSecrets(
            authTokens: [Self.token],
            accounts: [Self.subaccountSid: .init(sharedKeys: [.init(id: "KS", secret: "s")])]
        )
        let request = try Self.signedRequest(body: Self.form(account: Self.subaccountSid))
        #expect(error(SignatureVerifier(secrets: secrets), request)?.reason == "no_signing_secret")
    }

    @Test func defaultPortVariantsAreAccepted() throws {
        let verifier = SignatureVerifier(secrets: WebhookSecrets(authTokens: [Self.token]))
        // Signed with :443, received without.
        let body = Self.form()
        let parameters = try FormParameters.parse(body)
        let signature = SignatureVerifier.computeSignature(
            url: "https://relay.example.com:443/twilio/status", parameters: parameters, secret: Self.token
        )
        let request = try WebhookRequest(
            url: "https://relay.example.com/twilio/status", signature: signature,
            contentType: "application/x-www-form-urlencoded", body: body
        )
        #expect(try verifier.verify(request).matchedWithPort)
        // Signed without, received with :443.
        let plain = SignatureVerifier.computeSignature(url: "https://relay.example.com/twilio/status", parameters: parameters, secret: Self.token)
        let withPort = try WebhookRequest(
            url: "https://relay.example.com:443/twilio/status", signature: plain,
            contentType: "application/x-www-form-urlencoded", body: body
        )
        #expect(try !verifier.verify(withPort).matchedWithPort)
        // :80 on https is not the default port.
        let wrongDefault = SignatureVerifier.computeSignature(url: "https://relay.example.com:80/twilio/status", parameters: parameters, secret: Self.token)
        var request80 = request
        request80.signature = wrongDefault
        #expect(error(verifier, request80)?.code == .invalidSignature)
    }

    @Test func jsonBodiesUseBodySHA256() throws {
        let body = Array(#"[{"type":"com.twilio.messaging.message.delivered","data":{"accountSid":"AC0123456789abcdef0123456789abcdef"}}]"#.utf8)
        let hash = SignatureVerifier.bodySHA256(body)
        #expect(hash.count == 64)
        let url = "https://relay.example.com/twilio/events?bodySHA256=\(hash)"
        let signature = SignatureVerifier.computeSignature(url: url, parameters: [], secret: Self.token)
        let verifier = SignatureVerifier(secrets: WebhookSecrets(authTokens: [Self.token]))
        let request = try WebhookRequest(url: url, signature: signature, contentType: "application/json", body: body)
        #expect(request.accountSid == Self.accountSid)
        try verifier.verify(request)

        var tampered = request
        tampered.body = Array(tampered.body.dropLast(2)) + Array("] ".utf8)
        #expect(error(verifier, tampered)?.reason == "body_hash_mismatch")

        let noHashURL = "https://relay.example.com/twilio/events"
        let noHash = try WebhookRequest(
            url: noHashURL, signature: SignatureVerifier.computeSignature(url: noHashURL, parameters: [], secret: Self.token),
            contentType: "application/json; charset=utf-8", body: body
        )
        #expect(error(verifier, noHash)?.reason == "missing_body_hash")

        // Upper-case hex is not what Twilio sends and twilio-python compares exactly.
        let upperURL = "https://relay.example.com/twilio/events?bodySHA256=\(hash.uppercased())"
        let upper = try WebhookRequest(
            url: upperURL, signature: SignatureVerifier.computeSignature(url: upperURL, parameters: [], secret: Self.token),
            contentType: "application/json", body: body
        )
        #expect(error(verifier, upper)?.reason == "body_hash_mismatch")
    }

    @Test func invalidPortInURLIsRejected() throws {
        var request = try Self.signedRequest()
        request.url = "https://relay.example.com:99999/twilio/status"
        let verifier = SignatureVerifier(secrets: WebhookSecrets(authTokens: [Self.token]))
        #expect(error(verifier, request)?.reason == "invalid_request_url")
    }

    @Test func secretsDescriptionsAreRedacted() {
        let secrets = WebhookSecrets(
            authTokens: ["super-secret-token"], sharedKeys: [.init(id: "KS1", secret: "super-secret-key")],
            accounts: [Self.subaccountSid: .init(authTokens: ["super-secret-sub"])]
        )
        for text in [String(describing: secrets), String(reflecting: secrets), "\(secrets)", String(describing: Mirror(reflecting: secrets).children.map(\.value))] {
            #expect(!text.contains("super-secret"))
        }
        #expect(secrets.validationProblems().isEmpty)
        #expect(!WebhookSecrets(authTokens: []).validationProblems().isEmpty)
        #expect(!WebhookSecrets(authTokens: ["a"], accounts: ["bogus": .init(authTokens: ["b"])]).validationProblems().isEmpty)
    }

    @Test func mediaTypes() throws {
        #expect(try MediaType.classify("application/x-www-form-urlencoded") == .form)
        #expect(try MediaType.classify("Application/X-WWW-Form-Urlencoded; charset=UTF-8") == .form)
        #expect(try MediaType.classify("application/json;charset=\"utf-8\"") == .json)
        for bad in [nil, "text/plain", "multipart/form-data; boundary=x", "application/x-www-form-urlencoded; charset=iso-8859-1"] as [String?] {
            #expect(throws: WebhookError.self) { try MediaType.classify(bad) }
            #expect((try? MediaType.classify(bad)) == nil)
        }
    }
}
