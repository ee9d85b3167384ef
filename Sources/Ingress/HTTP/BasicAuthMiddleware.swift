import Hummingbird
import StatusEvents

/// 401 unless the callback carries the public URL's `user:password@` credentials. First on the
/// callback routes: Twilio's first attempt at a URL with credentials has none.
struct BasicAuthMiddleware: RouterMiddleware {
    typealias Context = IngressRequestContext

    let credentials: BasicCredentials

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        switch credentials.check(authorization: request.headers[.authorization]) {
        case .valid: return try await next(request, context)
        case .missing: throw IngressError(code: .missingCredentials, message: "basic authentication required")
        case .invalid: throw IngressError(code: .invalidCredentials, message: "basic authentication failed")
        }
    }
}
