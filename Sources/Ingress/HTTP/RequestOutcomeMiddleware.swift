import HTTPTypes
import Hummingbird
import Logging
import Prometheus

/// Outermost middleware: answers 404 and 405 (Hummingbird's router matches paths by component and
/// answers a wrong method with 404; the ingress serves its exact paths and sends `Allow`), counts
/// every request by route and outcome, and turns every error into its response through
/// `HTTPErrorMapping` (logged once, with the request id).
struct RequestOutcomeMiddleware: RouterMiddleware {
    typealias Context = IngressRequestContext

    private let routes: [String: Route]
    private let metrics: IngressMetrics
    private let acceptedCounters: [Route: Counter]

    init(paths: IngressConfiguration.Routes, metrics: IngressMetrics) {
        self.routes = [paths.form: .form, paths.eventStreams: .eventStreams, paths.health: .health, paths.ready: .ready, paths.metrics: .metrics]
        self.metrics = metrics
        var counters: [Route: Counter] = [:]
        for route in Route.allCases where route != .unknown { counters[route] = metrics.request(route: route.rawValue, outcome: "accepted") }
        self.acceptedCounters = counters
    }

    static let requestIDHeader = HTTPField.Name("X-Request-Id")!

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let route = routes[request.uri.path] ?? .unknown
        var response: Response
        do {
            guard route != .unknown else {
                throw IngressError(code: .notFound, message: "no route for \(request.uri.path)")
            }
            let method = request.method.rawValue
            guard route.allowedMethods.contains(method) else {
                throw IngressError(code: .methodNotAllowed, message: "\(method) is not allowed here", allowedMethods: route.allowedMethods)
            }
            response = try await next(request, context)
            acceptedCounters[route]?.increment()
        } catch {
            response = reject(error, route: route, request: request, context: context)
        }
        response.headers[Self.requestIDHeader] = context.id
        if request.headers[.connection] == "close" { response.headers[.connection] = "close" }
        return response
    }

    private func reject(_ error: any Error, route: Route, request: Request, context: Context) -> Response {
        let rejection = HTTPErrorMapping.rejection(for: error)
        metrics.request(route: route.rawValue, outcome: rejection.reason).increment()
        if rejection.isSignatureFailure {
            metrics.signatureFailure(reason: rejection.reason).increment()
        }
        if rejection.isBasicAuthFailure {
            metrics.basicAuthFailure(reason: rejection.reason).increment()
        }
        var metadata: Logger.Metadata = [
            "status": "\(rejection.status.code)", "reason": "\(rejection.reason)", "route": "\(route.rawValue)",
            "method": "\(request.method.rawValue)",
        ]
        if let field = rejection.field { metadata["field"] = "\(field)" }
        if let signingURL = rejection.signingURL {
            metadata["signing_url"] = "\(signingURL)"
            metadata["hint"] = "\(SignatureRejection.hint)"
        }
        if route == .unknown { metadata["path"] = "\(request.uri.path.prefix(200))" }
        let level: Logger.Level = rejection.status.code >= 500 ? .error : .notice
        context.logger.log(level: level, "request rejected", metadata: metadata)
        var response = IngressRouter.json(rejection.status, HTTPErrorMapping.body(for: rejection, requestID: context.id))
        for field in rejection.extraHeaders { response.headers.append(field) }
        return response
    }
}
