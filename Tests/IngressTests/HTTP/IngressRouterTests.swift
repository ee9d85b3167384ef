import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Ingress
import Logging
import NIOCore
import Prometheus
import StatusEvents
import StatusRelayCore
import Testing
import TestSupport

/// The HTTP surface (routes, limits, signatures, basic auth, error bodies, metrics) through
/// `app.test(.router)` with an in-memory publisher: no broker, no socket.
@Suite struct IngressRouterTests {
    static let publicURL = "https://relay.example.com"
    static let token = "router-test-token"

    struct Setup {
        let app: Application<IngressResponder>
        let publisher: InMemoryPublisher
        let registry: PrometheusCollectorRegistry
        let configuration: IngressConfiguration

        func metrics() -> String { String(decoding: PrometheusExposition.render(registry), as: UTF8.self) }
    }

    static func setup(publisher: InMemoryPublisher = InMemoryPublisher(), _ customize: (inout IngressConfiguration) -> Void = { _ in }) throws -> Setup {
        var configuration = IngressConfiguration(spoolDirectory: "/nonexistent", brokers: ["127.0.0.1:1"], topic: "router", authTokens: [token])
        configuration.publicURL = publicURL
        configuration.nodeID = "router-node"
        customize(&configuration)
        let registry = PrometheusCollectorRegistry()
        var logger = Logger(label: "ingress-router-test")
        logger.logLevel = .critical
        let app = try IngressApplication.buildApplication(
            configuration: configuration,
            dependencies: .init(
                publisher: publisher, metrics: IngressMetrics(registry: registry), brokerReachable: { true }, spoolHasRoom: { true }
            ),
            logger: logger
        )
        return Setup(app: app, publisher: publisher, registry: registry, configuration: configuration)
    }

    static func callback(
        _ parameters: [(String, String)], url: String? = nil, token: String = Self.token, contentType: String = "application/x-www-form-urlencoded"
    ) -> (headers: HTTPFields, body: ByteBuffer) {
        var headers: HTTPFields = [.contentType: contentType]
        let signed = url ?? publicURL + "/twilio/message-status"
        headers[HTTPField.Name("X-Twilio-Signature")!] = Callback.signature(url: signed, parameters: parameters, token: token)
        return (headers, ByteBuffer(string: Callback.formBody(parameters)))
    }

    static func json(_ response: TestResponse) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(String(buffer: response.body).utf8)) as? [String: Any]) ?? [:]
    }

    @Test func validCallbackIsPublishedKeyedByMessageSid() async throws {
        let setup = try Self.setup()
        let sid = Callback.messageSid()
        let request = Self.callback(Callback.parameters(sid: sid))
        try await setup.app.test(.router) { client in
            let response = try await client.execute(uri: "/twilio/message-status", method: .post, headers: request.headers, body: request.body)
            #expect(response.status == .ok)
            #expect(Self.json(response)["durable"] as? String == "kafka")
            #expect(response.headers[HTTPField.Name("X-Request-Id")!] != nil)
        }
        let record = try #require(setup.publisher.published.first)
        #expect(setup.publisher.published.count == 1)
        #expect(record.topic == "router")
        #expect(record.key == Array(sid.utf8))
        let event = try StatusEventCodec.decode(record.value)
        #expect(event.messageSid == sid && event.status == "delivered" && event.ingress.nodeId == "router-node")
        #expect(setup.metrics().contains(#"statusrelay_ingress_requests_total{route="form",outcome="accepted"} 1"#))
    }

    @Test func errorPathsAnswerWithTheirStatusReasonAndBody() async throws {
        let setup = try Self.setup()
        let parameters = Callback.parameters(sid: Callback.messageSid())
        try await setup.app.test(.router) { client in
            func expect(_ response: TestResponse, _ status: HTTPResponse.Status, _ reason: String, sourceLocation: SourceLocation = #_sourceLocation) {
                #expect(response.status == status, sourceLocation: sourceLocation)
                let body = Self.json(response)
                #expect(body["reason"] as? String == reason, sourceLocation: sourceLocation)
                #expect(!((body["error"] as? String) ?? "").isEmpty, sourceLocation: sourceLocation)
                #expect(body["requestId"] as? String == response.headers[HTTPField.Name("X-Request-Id")!], sourceLocation: sourceLocation)
            }
            var request = Self.callback(parameters)
            request.headers[HTTPField.Name("X-Twilio-Signature")!] = nil
            expect(try await client.execute(uri: "/twilio/message-status", method: .post, headers: request.headers, body: request.body), .badRequest, "missing_signature")

            request = Self.callback(parameters, token: "wrong-token")
            expect(try await client.execute(uri: "/twilio/message-status", method: .post, headers: request.headers, body: request.body), .forbidden, "invalid_signature")

            // Signed with the URL the request was not sent to.
            request = Self.callback(parameters, url: Self.publicURL + "/other")
            expect(try await client.execute(uri: "/twilio/message-status", method: .post, headers: request.headers, body: request.body), .forbidden, "invalid_signature")

            request = Self.callback(parameters, contentType: "text/plain")
            expect(try await client.execute(uri: "/twilio/message-status", method: .post, headers: request.headers, body: request.body), .unsupportedMediaType, "unsupported_media_type")

            expect(try await client.execute(uri: "/nope", method: .get), .notFound, "not_found")
            let notAllowed = try await client.execute(uri: "/twilio/message-status", method: .get)
            expect(notAllowed, .methodNotAllowed, "method_not_allowed")
            #expect(notAllowed.headers[.allow] == "POST")
            #expect(try await client.execute(uri: "/healthz", method: .post).headers[.allow] == "GET, HEAD")

            request = Self.callback(parameters + [("Body", String(repeating: "x", count: 70 * 1024))])
            expect(try await client.execute(uri: "/twilio/message-status", method: .post, headers: request.headers, body: request.body), .contentTooLarge, "payload_too_large")

            let tooMany = (0..<300).map { ("P\($0)", "v") }
            request = Self.callback(parameters + tooMany)
            expect(try await client.execute(uri: "/twilio/message-status", method: .post, headers: request.headers, body: request.body), .contentTooLarge, "too_many_parameters")

            // Signed but not a status callback: 400 naming the field, dead-lettered.
            let noSid = parameters.filter { $0.0 != "MessageSid" }
            request = Self.callback(noSid)
            let invalid = try await client.execute(uri: "/twilio/message-status", method: .post, headers: request.headers, body: request.body)
            expect(invalid, .badRequest, "missing_field")
            #expect(Self.json(invalid)["field"] as? String == "MessageSid")
        }
        // Only the dead letter was published.
        #expect(setup.publisher.published.map(\.topic) == ["router.rejected"])
        let metrics = setup.metrics()
        #expect(metrics.contains(#"statusrelay_ingress_signature_failures_total{reason="invalid_signature"} 2"#))
        #expect(metrics.contains(#"statusrelay_ingress_requests_total{route="form",outcome="missing_signature"} 1"#))
        #expect(metrics.contains(#"statusrelay_ingress_requests_total{route="unknown",outcome="not_found"} 1"#))
    }

    @Test func rateLimitAnswers429WithRetryAfterAndProbesAreNeverLimited() async throws {
        let setup = try Self.setup {
            $0.maxRequestsPerSecond = 0.01
            $0.rateLimitBurst = 2
        }
        try await setup.app.test(.router) { client in
            var statuses: [HTTPResponse.Status] = []
            for _ in 0..<4 {
                let request = Self.callback(Callback.parameters(sid: Callback.messageSid()))
                let response = try await client.execute(uri: "/twilio/message-status", method: .post, headers: request.headers, body: request.body)
                statuses.append(response.status)
                if response.status == .tooManyRequests {
                    #expect(Self.json(response)["reason"] as? String == "rate_limited")
                    #expect(Int(response.headers[.retryAfter] ?? "") ?? 0 >= 1)
                }
            }
            statuses.append(try await client.execute(uri: "/healthz", method: .get).status)
            #expect(statuses == [.ok, .ok, .tooManyRequests, .tooManyRequests, .ok])
        }
        #expect(setup.publisher.published.count == 2)
    }

    @Test func unavailablePublisherAnswers503WithRetryAfter() async throws {
        let setup = try Self.setup(publisher: InMemoryPublisher(failing: true))
        let request = Self.callback(Callback.parameters(sid: Callback.messageSid()))
        try await setup.app.test(.router) { client in
            let response = try await client.execute(uri: "/twilio/message-status", method: .post, headers: request.headers, body: request.body)
            #expect(response.status == .serviceUnavailable)
            #expect(Self.json(response)["reason"] as? String == "unavailable")
            #expect(response.headers[.retryAfter] == "5")
        }
    }

    @Test func healthAndReadinessAnswerJSON() async throws {
        let setup = try Self.setup()
        try await setup.app.test(.router) { client in
            let health = try await client.execute(uri: "/healthz", method: .get)
            #expect(health.status == .ok)
            #expect(String(buffer: health.body) == #"{"status":"alive"}"#)
            let ready = try await client.execute(uri: "/readyz", method: .get)
            #expect(ready.status == .ok)
            #expect(Self.json(ready)["kafka"] as? String == "reachable")
            let metrics = try await client.execute(uri: "/metrics", method: .get)
            #expect(String(buffer: metrics.body).contains("statusrelay_ingress_basic_auth_failures_total"))
        }
    }

    /// Issue 17 §5 without a broker: 401 + WWW-Authenticate until the URL's credentials come,
    /// then the signature over the URL with its userinfo.
    @Test func basicAuthPublicURL() async throws {
        let url = "https://twilio:p%40ss@relay.example.com"
        let setup = try Self.setup { $0.publicURL = url }
        let parameters = Callback.parameters(sid: Callback.messageSid())
        let signed = Self.callback(parameters, url: url + "/twilio/message-status")
        let signedWithoutUserinfo = Self.callback(parameters)
        let good = "Basic " + Data("twilio:p@ss".utf8).base64EncodedString()
        try await setup.app.test(.router) { client in
            var statuses: [HTTPResponse.Status] = []
            var reasons: [String?] = []
            for (authorization, request) in [
                (nil, signed), ("Basic " + Data("twilio:wrong".utf8).base64EncodedString(), signed), (good, signedWithoutUserinfo), (good, signed),
            ] as [(String?, (headers: HTTPFields, body: ByteBuffer))] {
                var headers = request.headers
                headers[.authorization] = authorization
                let response = try await client.execute(uri: "/twilio/message-status", method: .post, headers: headers, body: request.body)
                statuses.append(response.status)
                reasons.append(Self.json(response)["reason"] as? String)
                if response.status == .unauthorized { #expect(response.headers[.wwwAuthenticate] == #"Basic realm="statusrelay""#) }
            }
            #expect(statuses == [.unauthorized, .unauthorized, .forbidden, .ok])
            #expect(reasons == ["missing_credentials", "invalid_credentials", "invalid_signature", nil])
        }
        #expect(setup.publisher.published.count == 1)
        #expect(setup.metrics().contains(#"statusrelay_ingress_basic_auth_failures_total{reason="invalid_credentials"} 1"#))
    }
}
