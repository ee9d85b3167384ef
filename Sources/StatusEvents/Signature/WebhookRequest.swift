/// Everything signature verification needs from an HTTP request.
public struct WebhookRequest: Sendable {
    public enum BodyKind: Sendable, Hashable {
        /// `application/x-www-form-urlencoded`: status callbacks.
        case form
        /// `application/json`: Event Streams webhook sinks (signed over `bodySHA256`).
        case json
    }

    /// The public URL Twilio called: `scheme://host[:port]/path?rawquery`, percent-encoding
    /// untouched, without the `#fragment` (see `PublicURLResolver`).
    public var url: String
    /// `X-Twilio-Signature`.
    public var signature: String?
    /// `X-Twilio-Webhooks-Signature-Settings`.
    public var signatureSettings: String?
    public var bodyKind: BodyKind
    public var body: [UInt8]
    /// The decoded form parameters (empty for JSON bodies).
    public var parameters: FormParameters
    /// The AccountSid that selects per-account secrets: the form's first `AccountSid`, or for JSON
    /// the first element's `data.accountSid`. It is only a claim until verification succeeds.
    public var accountSid: String?

    /// Builds a request from raw parts, classifying the content type and parsing a form body.
    /// Everything here runs before the signature is checked, so `limits` bound it.
    ///
    /// - Throws: `unsupportedMediaType`; `malformedBody` for an unparsable form;
    ///   `tooManyParameters` / `tooManyEvents` beyond `limits`.
    public init(
        url: String,
        signature: String?,
        signatureSettings: String? = nil,
        contentType: String?,
        body: [UInt8],
        limits: WebhookLimits = WebhookLimits()
    ) throws(WebhookError) {
        let kind = try MediaType.classify(contentType)
        switch kind {
        case .form:
            let parameters = try FormParameters.parse(body, maxParameters: limits.maxFormParameters)
            self.init(
                url: url, signature: signature, signatureSettings: signatureSettings, bodyKind: .form,
                body: body, parameters: parameters, accountSid: parameters.first("AccountSid")
            )
        case .json:
            // A body that is not an event array fails after verification (the normalizer says why).
            let elements: [JSONValue]?
            do {
                elements = try EventStreamsNormalizer.elements(of: body, limit: limits.maxBatchEvents)
            } catch where error.code == .tooManyEvents {
                throw error
            } catch {
                elements = nil
            }
            self.init(
                url: url, signature: signature, signatureSettings: signatureSettings, bodyKind: .json,
                body: body, parameters: FormParameters(), accountSid: elements.flatMap { EventStreamsNormalizer.firstAccountSid(in: $0) }
            )
        }
    }

    /// Memberwise: for callers that already parsed the body.
    public init(
        url: String,
        signature: String?,
        signatureSettings: String?,
        bodyKind: BodyKind,
        body: [UInt8],
        parameters: FormParameters,
        accountSid: String?
    ) {
        self.url = url
        self.signature = signature
        self.signatureSettings = signatureSettings
        self.bodyKind = bodyKind
        self.body = body
        self.parameters = parameters
        self.accountSid = accountSid
    }
}
