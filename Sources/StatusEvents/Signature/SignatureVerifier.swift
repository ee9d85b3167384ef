import Crypto

/// Verifies `X-Twilio-Signature` exactly as twilio-python's `RequestValidator.validate` decides.
///
/// - Auth Token scheme (no settings header): base64(HMAC-SHA1(token, url + params)).
/// - SharedKey scheme (`X-Twilio-Webhooks-Signature-Settings: key=<id>,algorithm=HMAC_SHA256|HMAC_SHA1`):
///   the named key's secret with the named algorithm.
/// - Form bodies: parameters sorted by name (byte order) and, for a repeated name, its values
///   sorted and de-duplicated; each appended as name + value.
/// - JSON bodies: the URL's `bodySHA256` query parameter must equal the lower-case hex SHA-256 of
///   the body; the URL is signed without parameters.
/// - The URL is tried without its port and with the scheme's default port (see `SigningURL`).
///
/// HMAC key schedules are computed once per secret at init. Comparison is constant time.
public struct SignatureVerifier: Sendable {
    /// Which secret verified a request: safe to log and count (never contains the secret).
    public struct Match: Sendable, Hashable, CustomStringConvertible {
        /// nil for the Auth Token scheme.
        public var sharedKeyID: String?
        /// Index in the scope's `authTokens` (0 = primary) for the Auth Token scheme.
        public var authTokenIndex: Int?
        public var algorithm: SignatureAlgorithm
        /// True when the request's AccountSid has its own secrets.
        public var accountScoped: Bool
        /// True when the signature matched the URL with the default port added.
        public var matchedWithPort: Bool

        public var description: String {
            let secret = sharedKeyID.map { "shared_key:\($0)" } ?? "auth_token[\(authTokenIndex ?? 0)]"
            return "\(secret) \(algorithm.rawValue)\(accountScoped ? " account-scoped" : "")"
        }
    }

    struct PreparedKey: Sendable {
        let sha1: HMAC<Insecure.SHA1>
        let sha256: HMAC<SHA256>

        init(secret: String) {
            let key = SymmetricKey(data: Array(secret.utf8))
            sha1 = HMAC(key: key)
            sha256 = HMAC(key: key)
        }
    }

    struct PreparedScope: Sendable {
        let authTokens: [PreparedKey]
        let sharedKeys: [String: PreparedKey]

        init(_ scope: WebhookSecrets.Scope) {
            authTokens = scope.authTokens.map(PreparedKey.init(secret:))
            var keys: [String: PreparedKey] = [:]
            for key in scope.sharedKeys where keys[key.id] == nil { keys[key.id] = PreparedKey(secret: key.secret) }
            sharedKeys = keys
        }
    }

    private let defaultScope: PreparedScope
    private let accounts: [String: PreparedScope]

    public init(secrets: WebhookSecrets) {
        defaultScope = PreparedScope(secrets.defaultScope)
        accounts = secrets.accounts.mapValues(PreparedScope.init)
    }

    /// - Throws: `WebhookError` with code missingSignature, invalidSignatureSettings,
    ///   unsupportedSignatureAlgorithm, unknownSigningKey, noSigningSecret, invalidRequestURL,
    ///   missingBodyHash, invalidSignature or bodyHashMismatch.
    @discardableResult
    public func verify(_ request: WebhookRequest) throws(WebhookError) -> Match {
        guard let signature = request.signature, !signature.isEmpty else {
            throw WebhookError(code: .missingSignature, message: "X-Twilio-Signature header is missing")
        }
        let settings = try SignatureSettings(header: request.signatureSettings)

        let accountScope = request.accountSid.flatMap { accounts[$0] }
        let scope = accountScope ?? defaultScope
        let keys: [(key: PreparedKey, index: Int?)]
        if let keyID = settings.keyID {
            guard let key = scope.sharedKeys[keyID] else {
                throw WebhookError(
                    code: .unknownSigningKey,
                    message: "shared key id '\(keyID.prefix(80))' is not configured\(accountScope != nil ? " for this account" : "")"
                )
            }
            keys = [(key, nil)]
        } else {
            guard !scope.authTokens.isEmpty else {
                throw WebhookError(code: .noSigningSecret, message: "no auth token is configured for this account")
            }
            keys = scope.authTokens.enumerated().map { ($0.element, $0.offset) }
        }

        guard let urls = SigningURL(request.url) else {
            throw WebhookError(code: .invalidRequestURL, message: "the request URL is not an absolute http(s) URL with a valid port")
        }

        var payload: [UInt8] = []
        var expectedBodyHash: String?
        switch request.bodyKind {
        case .form:
            Self.appendCanonicalParameters(request.parameters, to: &payload)
        case .json:
            guard let hash = QueryLookup.firstNonEmptyValue(named: "bodySHA256", inURL: request.url) else {
                throw WebhookError(code: .missingBodyHash, message: "a JSON webhook must carry bodySHA256 in its URL query")
            }
            expectedBodyHash = hash
        }

        let provided = Array(signature.utf8)
        var computed: [UInt8] = []
        computed.reserveCapacity(44)
        let variants = urls.withoutPort == urls.withPort ? [urls.withoutPort] : [urls.withoutPort, urls.withPort]
        for (key, index) in keys {
            for (variantIndex, url) in variants.enumerated() {
                computed.removeAll(keepingCapacity: true)
                Self.sign(url: url, payload: payload, key: key, algorithm: settings.algorithm, into: &computed)
                guard ByteEncoding.constantTimeEqual(computed, provided) else { continue }
                if let expectedBodyHash {
                    let digest = SHA256.hash(data: request.body)
                    let actual = digest.withUnsafeBytes { ByteEncoding.hex($0) }
                    guard ByteEncoding.constantTimeEqual(Array(actual.utf8), Array(expectedBodyHash.utf8)) else {
                        throw WebhookError(code: .bodyHashMismatch, message: "the body's SHA-256 does not match bodySHA256")
                    }
                }
                return Match(
                    sharedKeyID: settings.keyID,
                    authTokenIndex: index,
                    algorithm: settings.algorithm,
                    accountScoped: accountScope != nil,
                    matchedWithPort: variantIndex == 1
                )
            }
        }
        throw WebhookError(code: .invalidSignature, message: "X-Twilio-Signature does not match")
    }

    /// The base64 signature of `url + canonical(parameters)`; the reference computation, used by
    /// tests and the `statusrelay send` tool to sign requests.
    public static func computeSignature(
        url: String,
        parameters: FormParameters,
        secret: String,
        algorithm: SignatureAlgorithm = .hmacSHA1
    ) -> String {
        var payload: [UInt8] = []
        appendCanonicalParameters(parameters, to: &payload)
        var output: [UInt8] = []
        sign(url: url, payload: payload, key: PreparedKey(secret: secret), algorithm: algorithm, into: &output)
        return String(decoding: output, as: UTF8.self)
    }

    /// Lower-case hex SHA-256 of a body, as `bodySHA256` carries it.
    public static func bodySHA256(_ body: [UInt8]) -> String {
        SHA256.hash(data: body).withUnsafeBytes { ByteEncoding.hex($0) }
    }

    static func sign(url: String, payload: [UInt8], key: PreparedKey, algorithm: SignatureAlgorithm, into output: inout [UInt8]) {
        var url = url
        switch algorithm {
        case .hmacSHA1:
            var mac = key.sha1
            url.withUTF8 { mac.update(data: UnsafeRawBufferPointer($0)) }
            payload.withUnsafeBytes { mac.update(data: $0) }
            mac.finalize().withUnsafeBytes { ByteEncoding.base64($0, into: &output) }
        case .hmacSHA256:
            var mac = key.sha256
            url.withUTF8 { mac.update(data: UnsafeRawBufferPointer($0)) }
            payload.withUnsafeBytes { mac.update(data: $0) }
            mac.finalize().withUnsafeBytes { ByteEncoding.base64($0, into: &output) }
        }
    }

    /// Names in byte order; a repeated name's values sorted and de-duplicated (Python's
    /// `sorted(set(values))`). Sorting the (name, value) pairs and dropping exact duplicates gives
    /// exactly that. Comparison is on UTF-8 bytes (= code points), never Swift's canonical equivalence.
    static func appendCanonicalParameters(_ parameters: FormParameters, to payload: inout [UInt8]) {
        var pairs = parameters.parameters
        pairs.sort { lhs, rhs in
            if lhs.name.utf8.elementsEqual(rhs.name.utf8) {
                return lhs.value.utf8.lexicographicallyPrecedes(rhs.value.utf8)
            }
            return lhs.name.utf8.lexicographicallyPrecedes(rhs.name.utf8)
        }
        var previous: FormParameters.Parameter?
        for pair in pairs {
            if let previous, previous.name.utf8.elementsEqual(pair.name.utf8), previous.value.utf8.elementsEqual(pair.value.utf8) {
                continue
            }
            payload.append(contentsOf: pair.name.utf8)
            payload.append(contentsOf: pair.value.utf8)
            previous = pair
        }
    }
}
