import StatusEvents
import Testing

/// Reproduces every accept/reject decision twilio-python made in the vector table.
@Suite struct SignatureVectorTests {
    static let vectors = SignatureVectors.shared.vectors

    @Test func tableIsLargeAndMixed() {
        #expect(Self.vectors.count >= 400)
        #expect(Self.vectors.contains { $0.valid } && Self.vectors.contains { !$0.valid })
        #expect(Self.vectors.contains { $0.kind == "json" } && Self.vectors.contains { $0.keyId != nil })
    }

    static func parameters(_ pairs: [[String]]) -> FormParameters {
        FormParameters(pairs.map { ($0[0], $0[1]) })
    }

    static func verifier(for vector: SignatureVectors.Vector, secret: String) -> SignatureVerifier {
        if let keyId = vector.keyId {
            return SignatureVerifier(
                secrets: WebhookSecrets(authTokens: ["decoy-token"], sharedKeys: [.init(id: keyId, secret: secret)])
            )
        }
        // The real secret second: rotation must try every token.
        return SignatureVerifier(secrets: WebhookSecrets(authTokens: ["decoy-primary-token", secret]))
    }

    static func request(_ vector: SignatureVectors.Vector, url: String, parameters: FormParameters, body: String) -> WebhookRequest {
        WebhookRequest(
            url: url,
            signature: vector.signature,
            signatureSettings: vector.settings,
            bodyKind: vector.kind == "json" ? .json : .form,
            body: Array(body.utf8),
            parameters: vector.kind == "json" ? FormParameters() : parameters,
            accountSid: nil
        )
    }

    /// Whether twilio-python's decision is reproduced; besides it, only twilio-node's re-encoded
    /// query forms may accept (issue 17 §6, `ReencodedQueryTests`).
    static func accepts(_ verifier: SignatureVerifier, _ request: WebhookRequest) -> Bool {
        do {
            return try !verifier.verify(request).matchedReencodedQuery
        } catch {
            return false
        }
    }

    @Test(arguments: vectors.indices)
    func vector(_ index: Int) throws {
        let vector = Self.vectors[index]
        let algorithm = try #require(SignatureAlgorithm(rawValue: vector.algorithm))
        let expected = Self.parameters(vector.params)

        // The body the generator encoded decodes to exactly the signed parameters (byte for byte).
        let contentType = vector.kind == "json" ? "application/json" : "application/x-www-form-urlencoded; charset=utf-8"
        let parsed = try WebhookRequest(
            url: vector.url, signature: vector.signature, signatureSettings: vector.settings,
            contentType: contentType, body: Array(vector.body.utf8)
        )
        if vector.kind == "form" {
            #expect(parsed.parameters.map { Array($0.name.utf8) } == expected.map { Array($0.name.utf8) }, "\(vector.name)")
            #expect(parsed.parameters.map { Array($0.value.utf8) } == expected.map { Array($0.value.utf8) }, "\(vector.name)")
        }

        // Signature computation over the URL Twilio signed.
        let computed = SignatureVerifier.computeSignature(
            url: vector.signedUrl, parameters: vector.kind == "json" ? FormParameters() : expected,
            secret: vector.secret, algorithm: algorithm
        )
        #expect(computed == vector.signature, "\(vector.name)")

        // The URL forms twilio-python tries.
        let forms = try #require(SigningURL(vector.url))
        #expect(forms.withoutPort == vector.variants["withoutPort"], "\(vector.name)")
        #expect(forms.withPort == vector.variants["withPort"], "\(vector.name)")

        // The decision itself, through the public entry point the ingress uses.
        let verifier = Self.verifier(for: vector, secret: vector.secret)
        #expect(Self.accepts(verifier, parsed) == vector.valid, "\(vector.name): \(vector.url)")

        for mutation in vector.mutations {
            var url = vector.url
            var parameters = expected
            var body = vector.body
            var secret = vector.secret
            switch mutation.what {
            case "url": url = try #require(mutation.url)
            case "secret": secret = try #require(mutation.secret)
            case "body": body = try #require(mutation.body)
            case "name", "value":
                let position = try #require(mutation.index)
                var pairs = vector.params
                pairs[position][mutation.what == "name" ? 0 : 1] = try #require(mutation.text)
                parameters = Self.parameters(pairs)
            default: Issue.record("unknown mutation \(mutation.what)")
            }
            let accepted = Self.accepts(
                Self.verifier(for: vector, secret: secret), Self.request(vector, url: url, parameters: parameters, body: body)
            )
            #expect(accepted == mutation.valid, "\(vector.name): \(mutation.what) mutation")
            if vector.valid { #expect(!accepted, "\(vector.name): a one-character \(mutation.what) change must fail") }
        }
    }
}
