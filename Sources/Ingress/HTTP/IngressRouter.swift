package import Hummingbird
import NIOCore
import StatusEvents
import StatusRelayCore

/// The responder `IngressApplication.buildApplication` runs: the router below.
package typealias IngressResponder = RouterResponder<IngressRequestContext>

/// The ingress's routes and middleware. Every request passes `RequestOutcomeMiddleware` (404/405,
/// request metrics, error mapping); the callback routes also basic auth, then the rate and
/// concurrency limits, each only when configured (no extra step per request otherwise).
enum IngressRouter {
    struct Dependencies: Sendable {
        var callback: CallbackHandler.Dependencies
        var readiness: ReadinessProbe
        var limiter: ConcurrencyLimiter
        var rateLimiter: RateLimiter
        /// Refreshes gauges (spool, producer queue) right before `/metrics` renders.
        var refreshGauges: @Sendable () -> Void
    }

    static func build(_ dependencies: Dependencies) -> Router<IngressRequestContext> {
        let configuration = dependencies.callback.configuration
        let metrics = dependencies.callback.metrics
        let paths = configuration.routes
        let router = Router(context: IngressRequestContext.self)
        // Middleware applies to the routes added after it.
        router.add(middleware: RequestOutcomeMiddleware(paths: paths, metrics: metrics))

        let callbacks = router.group()
        if let credentials = dependencies.callback.urlResolver.credentials {
            callbacks.add(middleware: BasicAuthMiddleware(credentials: credentials))
        }
        if configuration.maxRequestsPerSecond > 0 {
            callbacks.add(middleware: RateLimitMiddleware(limiter: dependencies.rateLimiter))
        }
        if configuration.maxConcurrentRequests > 0 {
            callbacks.add(middleware: ConcurrencyLimitMiddleware(limiter: dependencies.limiter))
        }
        let handler = CallbackHandler(dependencies: dependencies.callback)
        callbacks.post(RouterPath(paths.form)) { request, context in
            try await handler.callback(route: .form, request: request, context: context)
        }
        callbacks.post(RouterPath(paths.eventStreams)) { request, context in
            try await handler.callback(route: .eventStreams, request: request, context: context)
        }

        let readiness = dependencies.readiness
        let refreshGauges = dependencies.refreshGauges
        for method in [HTTPRequest.Method.get, .head] {
            router.on(RouterPath(paths.health), method: method) { _, _ in
                json(.ok, "{\"status\":\"alive\"}")
            }
            router.on(RouterPath(paths.ready), method: method) { _, _ in
                let status = await readiness.status()
                let body = "{\"ready\":\(status.ready),\"kafka\":\"\(status.brokerReachable ? "reachable" : "unreachable")\","
                    + "\"spool\":\"\(status.spoolHasRoom ? "has_room" : "full")\"}"
                return json(status.ready ? .ok : .serviceUnavailable, body)
            }
            router.on(RouterPath(paths.metrics), method: method) { _, _ in
                refreshGauges()
                let bytes = PrometheusExposition.render(metrics.registry)
                var headers = HTTPFields()
                headers[.contentType] = PrometheusExposition.contentType
                return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
            }
        }
        return router
    }

    static func json(_ status: HTTPResponse.Status, _ body: String) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: body)))
    }
}
