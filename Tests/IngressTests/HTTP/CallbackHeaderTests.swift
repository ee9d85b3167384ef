import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
import TestSupport

/// The callback reads its header fields in one pass; a repeated field still counts as all its values
/// joined with ", " (as `HTTPFields` reads it), so a second copy cannot be ignored.
@Suite struct CallbackHeaderTests {
    @Test func repeatedSignatureIsNotAcceptedForItsValidCopy() async throws {
        let setup = try IngressRouterTests.setup()
        let request = IngressRouterTests.callback(Callback.parameters(sid: Callback.messageSid()))
        let name = HTTPField.Name("X-Twilio-Signature")!
        var headers = request.headers
        headers.append(HTTPField(name: name, value: try #require(request.headers[name])))
        try await setup.app.test(.router) { [headers] client in
            let response = try await client.execute(uri: "/twilio/message-status", method: .post, headers: headers, body: request.body)
            #expect(response.status == .forbidden)
            #expect(IngressRouterTests.json(response)["reason"] as? String == "invalid_signature")
        }
        #expect(setup.publisher.published.isEmpty)
    }

    @Test func headersAreReadWhateverTheirCase() async throws {
        let setup = try IngressRouterTests.setup()
        let request = IngressRouterTests.callback(Callback.parameters(sid: Callback.messageSid()))
        var headers = HTTPFields()
        for field in request.headers {
            headers.append(HTTPField(name: HTTPField.Name(field.name.rawName.uppercased())!, value: field.value))
        }
        headers.append(HTTPField(name: HTTPField.Name("I-TWILIO-IDEMPOTENCY-TOKEN")!, value: "token-1"))
        try await setup.app.test(.router) { [headers] client in
            let response = try await client.execute(uri: "/twilio/message-status", method: .post, headers: headers, body: request.body)
            #expect(response.status == .ok)
        }
        let record = try #require(setup.publisher.published.first)
        #expect(String(decoding: record.value, as: UTF8.self).contains("token-1"))
    }
}
