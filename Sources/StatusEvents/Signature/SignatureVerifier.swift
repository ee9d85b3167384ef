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
/// - The URL is tried without its port and with the scheme's default port (see `SigningURL`), then,
///   as twilio-node does, with its query re-encoded (`SigningURL.Parts.reencodedQueryForms`): at
///   most four more forms, only those that differ.
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
        /// True when the signature matched only a form with the query re-encoded as twilio-node does.
        public var matchedReencodedQuery: Bool = false

        public var description: String {
            let secret = sharedKeyID.map { "shared_key:\($0)" } ?? "auth_token[\(authTokenIndex ?? 0)]"
            return "\(secret) \(algorithm.rawValue)\(accountScoped ? " account-scoped" : "")"
        }
    }

    struct PreparedKey: Sendable {
        let sha1: PrecomputedHMAC<Insecure.SHA1>
        let sha256: PrecomputedHMAC<SHA256>

        init(secret: String) {
            let key = Array(secret.utf8)
            sha1 = PrecomputedHMAC(key: key)
            sha256 = PrecomputedHMAC(key: key)
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
        var cost = MACCost()
        return try verify(request, cost: &cost)
    }

    /// `verify(_:)`, counting the MACs computed in `cost`.
    func verify(_ request: WebhookRequest, cost: inout MACCost) throws(WebhookError) -> Match {
        guard let signature = request.signature, !signature.isEmpty else {
            throw WebhookError(code: .missingSignature, message: "X-Twilio-Signature header is missing")
        }
        let settings = try SignatureSettings(header: request.signatureSettings)

        let accountScope = accounts.isEmpty ? nil : request.accountSid.flatMap { accounts[$0] }
        let scope = accountScope ?? defaultScope
        let sharedKey: PreparedKey?
        if let keyID = settings.keyID {
            guard let key = scope.sharedKeys[keyID] else {
                throw WebhookError(
                    code: .unknownSigningKey,
                    message: "shared key id '\(keyID.prefix(80))' is not configured\(accountScope != nil ? " for this account" : "")"
                )
            }
            sharedKey = key
        } else {
            guard !scope.authTokens.isEmpty else {
                throw WebhookError(code: .noSigningSecret, message: "no auth token is configured for this account")
            }
            sharedKey = nil
        }

        guard let urls = SigningURL.Parts(url: request.url) else {
            throw WebhookError(code: .invalidRequestURL, message: "the request URL is not an absolute http(s) URL with a valid port")
        }

        var expectedBodyHash: String?
        if request.bodyKind == .json {
            guard let hash = QueryLookup.firstNonEmptyValue(named: "bodySHA256", inURL: request.url) else {
                throw WebhookError(code: .missingBodyHash, message: "a JSON webhook must carry bodySHA256 in its URL query")
            }
            expectedBodyHash = hash
        }
        // A JSON body is signed as the URL alone.
        let signedParameters = request.bodyKind == .json ? FormParameters() : request.parameters

        let matched = Self.withCanonicalParameters(signedParameters) { payload in
            signature.withUTF8Bytes { provided in
                Self.firstMatch(
                    urls: urls, payload: payload, sharedKey: sharedKey, authTokens: scope.authTokens, algorithm: settings.algorithm, provided,
                    cost: &cost
                )
            }
        }
        guard let matched else {
            throw WebhookError(code: .invalidSignature, message: "X-Twilio-Signature does not match")
        }
        if let expectedBodyHash {
            let actual = Self.bodySHA256(request.body)
            guard ByteEncoding.constantTimeEqual(Array(actual.utf8), Array(expectedBodyHash.utf8)) else {
                throw WebhookError(code: .bodyHashMismatch, message: "the body's SHA-256 does not match bodySHA256")
            }
        }
        return Match(
            sharedKeyID: settings.keyID,
            authTokenIndex: sharedKey == nil ? matched.index : nil,
            algorithm: settings.algorithm,
            accountScoped: accountScope != nil,
            matchedWithPort: matched.withPort,
            matchedReencodedQuery: matched.reencoded
        )
    }

    /// The base64 signature of `url + canonical(parameters)`; the reference computation, used by
    /// tests and the `statusrelay send` tool to sign requests.
    public static func computeSignature(
        url: String,
        parameters: FormParameters,
        secret: String,
        algorithm: SignatureAlgorithm = .hmacSHA1
    ) -> String {
        var output: [UInt8] = []
        withCanonicalParameters(parameters) { payload in
            sign(url: Array(url.utf8), payload: payload, key: PreparedKey(secret: secret), algorithm: algorithm, into: &output)
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// Lower-case hex SHA-256 of a body, as `bodySHA256` carries it.
    public static func bodySHA256(_ body: [UInt8]) -> String {
        SHA256.digestHex(body)
    }

    /// The first key (the shared key, else each auth token in turn) and URL form whose signature
    /// equals `provided`. twilio-python's port-less form first: it is what Twilio signs for the
    /// usual port-less URL; the others are only built when needed. `cost` counts the MACs.
    static func firstMatch(
        urls: SigningURL.Parts, payload: UnsafeRawBufferPointer, sharedKey: PreparedKey?, authTokens: [PreparedKey],
        algorithm: SignatureAlgorithm, _ provided: UnsafeBufferPointer<UInt8>, cost: inout MACCost
    ) -> (index: Int, withPort: Bool, reencoded: Bool)? {
        var forms = [urls.withoutPort()]
        var reencodedFrom: Int?
        for index in 0..<(sharedKey == nil ? authTokens.count : 1) {
            let key = sharedKey ?? authTokens[index]
            var position = 0
            while true {
                if position == forms.count {
                    if forms.count == 1 {
                        forms.append(urls.withPort())
                    } else if reencodedFrom == nil {
                        reencodedFrom = forms.count
                        forms += urls.reencodedQueryForms(excluding: forms)
                    }
                    if position == forms.count { break }
                }
                cost.add(bytes: forms[position].count + payload.count)
                if signatureMatches(url: forms[position], payload: payload, key: key, algorithm: algorithm, provided) {
                    let reencoded = reencodedFrom.map { position >= $0 } ?? false
                    return (index, position == 1, reencoded)
                }
                position += 1
            }
        }
        return nil
    }

    /// What verifying one request cost in MACs: the work before authentication, pinned by tests.
    struct MACCost {
        var macs = 0
        var bytes = 0

        mutating func add(bytes count: Int) {
            macs += 1
            bytes += count
        }
    }

    /// Whether the base64 MAC of `url + payload` equals `provided`, compared in constant time
    /// (the MAC is encoded on the stack).
    static func signatureMatches(
        url: [UInt8], payload: UnsafeRawBufferPointer, key: PreparedKey, algorithm: SignatureAlgorithm,
        _ provided: UnsafeBufferPointer<UInt8>
    ) -> Bool {
        url.withUnsafeBytes { url in
            switch algorithm {
            case .hmacSHA1: key.sha1.authenticate(url, payload) { ByteEncoding.base64ConstantTimeEquals($0, provided) }
            case .hmacSHA256: key.sha256.authenticate(url, payload) { ByteEncoding.base64ConstantTimeEquals($0, provided) }
            }
        }
    }

    static func sign(
        url: [UInt8], payload: UnsafeRawBufferPointer, key: PreparedKey, algorithm: SignatureAlgorithm, into output: inout [UInt8]
    ) {
        url.withUnsafeBytes { url in
            switch algorithm {
            case .hmacSHA1: key.sha1.authenticate(url, payload) { ByteEncoding.base64($0, into: &output) }
            case .hmacSHA256: key.sha256.authenticate(url, payload) { ByteEncoding.base64($0, into: &output) }
            }
        }
    }

    /// Calls `body` with the canonical parameter string written to a temporary buffer (on the
    /// stack for a typical callback): no array to grow and free per request.
    static func withCanonicalParameters<R>(_ parameters: FormParameters, _ body: (UnsafeRawBufferPointer) -> R) -> R {
        // Every parameter is written at most once, so their total size bounds the payload.
        var capacity = 0
        for parameter in parameters.parameters { capacity += parameter.name.utf8.count + parameter.value.utf8.count }
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: max(capacity, 1)) { buffer in
            let count = writeCanonicalParameters(parameters, to: buffer)
            return body(UnsafeRawBufferPointer(start: buffer.baseAddress, count: count))
        }
    }

    /// `FormParameters.forEachCanonical`, each name + value written in turn. Returns the bytes
    /// written; `buffer` must hold every name and value.
    static func writeCanonicalParameters(_ parameters: FormParameters, to buffer: UnsafeMutableBufferPointer<UInt8>) -> Int {
        var written = 0
        parameters.forEachCanonical { name, values in
            switch values {
            case .single(let value):
                copy(name, to: buffer, at: &written)
                copy(value, to: buffer, at: &written)
            case .multiple(let values):
                for value in values {
                    copy(name, to: buffer, at: &written)
                    copy(value, to: buffer, at: &written)
                }
            }
        }
        return written
    }

    @inline(__always)
    private static func copy(_ text: String, to buffer: UnsafeMutableBufferPointer<UInt8>, at position: inout Int) {
        text.withUTF8Bytes { bytes in
            guard let base = bytes.baseAddress, !bytes.isEmpty else { return }
            precondition(position + bytes.count <= buffer.count)
            ByteEncoding.copy(base, to: buffer.baseAddress! + position, count: bytes.count)
            position += bytes.count
        }
    }
}
