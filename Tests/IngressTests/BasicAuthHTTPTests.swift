import Foundation
import HTTPTypes
import HummingbirdTesting
import Ingress
import NIOCore
import StatusEvents
import Testing
import TestSupport

/// A public URL with `user:password@` (issue 17 §5), over real sockets and the shared broker:
/// Twilio's first attempt without credentials gets 401 + `WWW-Authenticate: Basic`, the repeat
/// with them is verified over the URL with its userinfo.
@Suite struct BasicAuthHTTPTests {
    static let publicURL = "https://twilio:p%40ss@relay.example.com"

    static func authorization(_ text: String) -> String { "Basic " + Data(text.utf8).base64EncodedString() }

    @Test func callbacksNeedTheURLsCredentialsAndTheSignatureCoversThem() async throws {
        let topic = try await TestKafka.makeTopic("basic-auth")
        try await TestKafka.createTopic("\(topic).rejected")
        let harness = try await IngressHarness.start(
            try IngressHarness.configuration(brokers: try TestEnvironment.bootstrapServers, topic: topic) { $0.publicURL = Self.publicURL }
        )
        let path = harness.configuration.routes.form
        let signedURL = Self.publicURL + path
        let parameters = Callback.parameters(sid: Callback.messageSid())
        // Twilio's own library signs the URL with its userinfo.
        let script = """
            import json, sys
            from twilio.request_validator import RequestValidator
            print(RequestValidator(sys.argv[1]).compute_signature(sys.argv[2], dict(json.loads(sys.argv[3]))))
            """
        let json = String(decoding: try JSONSerialization.data(withJSONObject: parameters.map { [$0.0, $0.1] }), as: UTF8.self)
        let process = try ChildProcess(try TestEnvironment.python, arguments: ["-c", script, IngressHarness.authToken, signedURL, json])
        #expect(try await process.waitForExit() == .exited(0))
        let signature = process.output().trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(signature == Callback.signature(url: signedURL, parameters: parameters))

        func request(authorization: String?, signature: String) -> TestClient.Request {
            var request = Callback.request(harness, parameters: parameters, signature: signature)
            if let authorization { request.head.headerFields[.authorization] = authorization }
            return request
        }
        let requests = [
            request(authorization: nil, signature: signature),
            request(authorization: Self.authorization("twilio:p%40ss"), signature: signature),
            request(authorization: "Bearer p@ss", signature: signature),
            // The right credentials, but signed without the userinfo: not what Twilio signs.
            request(
                authorization: Self.authorization("twilio:p@ss"),
                signature: Callback.signature(url: "https://relay.example.com" + path, parameters: parameters)
            ),
            request(authorization: Self.authorization("twilio:p@ss"), signature: signature),
            // Probes need no credentials.
            TestClient.Request("/healthz", method: .get, authority: "127.0.0.1:\(harness.port)"),
        ]
        let responses = try await harness.withClient { client in
            var responses: [TestClient.Response] = []
            for request in requests { responses.append(try await client.execute(request)) }
            return responses
        }
        #expect(responses.map(\.status) == [.unauthorized, .unauthorized, .unauthorized, .forbidden, .ok, .ok])
        for response in responses[0..<3] {
            #expect(response.headers[.wwwAuthenticate] == #"Basic realm="statusrelay""#)
            #expect(!response.bodyText.contains("p@ss") && !response.bodyText.contains("p%40ss"))
        }
        #expect(responses.map { $0.jsonField("reason") }.prefix(4) == ["missing_credentials", "invalid_credentials", "missing_credentials", "invalid_signature"])

        let records = try await TopicReader.waitFor(1, in: topic, brokers: try TestEnvironment.bootstrapServers)
        #expect(records.count == 1)
        let metrics = try await harness.metricsText()
        #expect(metrics.contains(#"statusrelay_ingress_basic_auth_failures_total{reason="missing_credentials"} 2"#))
        #expect(metrics.contains(#"statusrelay_ingress_basic_auth_failures_total{reason="invalid_credentials"} 1"#))
        #expect(metrics.contains(#"statusrelay_ingress_requests_total{route="form",outcome="missing_credentials"} 2"#))
        #expect(!metrics.contains("p@ss") && !metrics.contains("p%40ss"))
        try await harness.stop()
    }
}
