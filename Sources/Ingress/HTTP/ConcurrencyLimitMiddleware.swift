import Hummingbird

/// 429 beyond `ConcurrencyLimiter`'s callbacks in progress; the slot is held until the answer.
struct ConcurrencyLimitMiddleware: RouterMiddleware {
    typealias Context = IngressRequestContext

    let limiter: ConcurrencyLimiter

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard limiter.tryAcquire() else {
            throw IngressError(code: .tooManyRequests, message: "too many requests in progress")
        }
        defer { limiter.release() }
        return try await next(request, context)
    }
}
