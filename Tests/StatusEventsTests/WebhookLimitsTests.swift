import StatusEvents
import Testing

/// What an unauthenticated request can make the ingress do is bounded before the signature is
/// checked (issue 16, items 1 and 8).
@Suite struct WebhookLimitsTests {
    static func form(_ count: Int) -> [UInt8] {
        Array((0..<count).map { "p\(count - $0)=v" }.joined(separator: "&").utf8)
    }

    @Test func formParameterCountIsBoundedBeforeVerification() throws {
        let limits = WebhookLimits(maxFormParameters: 300)
        let atLimit = try WebhookRequest(url: "https://h/p", signature: "x", contentType: "application/x-www-form-urlencoded", body: Self.form(300), limits: limits)
        #expect(atLimit.parameters.count == 300)
        let error = #expect(throws: WebhookError.self) {
            try WebhookRequest(url: "https://h/p", signature: "x", contentType: "application/x-www-form-urlencoded", body: Self.form(301), limits: limits)
        }
        #expect(error?.code == .tooManyParameters)
        #expect(error?.reason == "too_many_parameters")
        #expect(error?.message.contains("more than 300 parameters") == true)
        // The default, for callers that do not set one.
        #expect(throws: WebhookError.self) {
            try WebhookRequest(
                url: "https://h/p", signature: "x", contentType: "application/x-www-form-urlencoded",
                body: Self.form(WebhookLimits.defaultMaxFormParameters + 1)
            )
        }
        // Empty segments are not parameters.
        #expect(try FormParameters.parse(Array("a=1&&&&&b=2&".utf8), maxParameters: 2).count == 2)
    }

    @Test func eventStreamsBatchSizeIsBoundedBeforeVerificationAndInTheNormalizer() throws {
        func batch(_ count: Int) -> [UInt8] { Array(("[" + Array(repeating: "{}", count: count).joined(separator: ",") + "]").utf8) }
        let limits = WebhookLimits(maxBatchEvents: 50)
        _ = try WebhookRequest(url: "https://h/p?bodySHA256=x", signature: "x", contentType: "application/json", body: batch(50), limits: limits)
        let error = #expect(throws: WebhookError.self) {
            try WebhookRequest(url: "https://h/p?bodySHA256=x", signature: "x", contentType: "application/json", body: batch(51), limits: limits)
        }
        #expect(error?.code == .tooManyEvents)
        #expect(error?.message.contains("more than 50 elements; at most 50") == true)
        // Unparsable JSON is still left to the signature check and then the normalizer.
        _ = try WebhookRequest(url: "https://h/p", signature: "x", contentType: "application/json", body: Array("[{".utf8), limits: limits)

        let normalizer = EventStreamsNormalizer(nodeId: "n", maxEvents: 50)
        #expect(try normalizer.normalize(body: batch(50), receivedAt: 0).rejections.count == 50)
        let refused = #expect(throws: WebhookError.self) { try normalizer.normalize(body: batch(10_000), receivedAt: 0) }
        #expect(refused?.code == .tooManyEvents)
    }

    /// An over-limit batch is refused at element `limit + 1`: nothing after it is parsed (an
    /// unreadable tail would otherwise leave the batch to the signature check).
    @Test func overLimitEventStreamsBatchStopsAtTheFirstElementPastTheLimit() {
        let body = Array(("[" + Array(repeating: "{}", count: 51).joined(separator: ",") + ",\u{1}not JSON").utf8)
        let error = #expect(throws: WebhookError.self) {
            try WebhookRequest(
                url: "https://h/p?bodySHA256=x", signature: "x", contentType: "application/json", body: body, limits: WebhookLimits(maxBatchEvents: 50)
            )
        }
        #expect(error?.code == .tooManyEvents)
        let refused = #expect(throws: WebhookError.self) { try EventStreamsNormalizer(maxEvents: 50).normalize(body: body, receivedAt: 0) }
        #expect(refused?.code == .tooManyEvents)
    }
}
