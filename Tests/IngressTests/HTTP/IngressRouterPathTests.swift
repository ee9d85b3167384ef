import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
import TestSupport

/// The router matches paths by component; the ingress serves only its exact paths (a trailing
/// or doubled slash is another path, as before the router), and a probe answers HEAD too.
@Suite struct IngressRouterPathTests {
    @Test func onlyExactPathsAreRouted() async throws {
        let setup = try IngressRouterTests.setup()
        let request = IngressRouterTests.callback(Callback.parameters(sid: Callback.messageSid()))
        try await setup.app.test(.router) { client in
            for uri in ["/twilio/message-status/", "//twilio/message-status", "/twilio//message-status", "/healthz/"] {
                let response = try await client.execute(uri: uri, method: .post, headers: request.headers, body: request.body)
                #expect(response.status == .notFound, "\(uri)")
                #expect(IngressRouterTests.json(response)["reason"] as? String == "not_found", "\(uri)")
            }
            #expect(try await client.execute(uri: "/healthz", method: .head).status == .ok)
            #expect(try await client.execute(uri: "/metrics", method: .head).status == .ok)
        }
        #expect(setup.publisher.published.isEmpty)
        #expect(setup.metrics().contains(#"statusrelay_ingress_requests_total{route="unknown",outcome="not_found"} 4"#))
    }
}
