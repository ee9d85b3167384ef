import Hummingbird

/// 429 with `Retry-After` beyond `RateLimiter`'s callbacks per second.
struct RateLimitMiddleware: RouterMiddleware {
    typealias Context = IngressRequestContext

    let limiter: RateLimiter

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if let retryAfter = limiter.acquire() {
            throw IngressError(code: .rateLimited, message: "request rate limit exceeded", retryAfterSeconds: retryAfter)
        }
        return try await next(request, context)
    }
}
