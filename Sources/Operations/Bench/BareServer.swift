package import Logging
import Hummingbird

/// The ceiling for ingress benchmarks: a Hummingbird HTTP/1.1 server whose only route reads the whole
/// request body and answers 200. No parsing, no signature, no Kafka. Run by `statusrelay bench bare-server`.
package enum BareServer {
    /// Serves `POST path` on `host:port` until SIGTERM/SIGINT. Bodies above `bodyLimit` bytes get 413.
    package static func run(
        host: String = "127.0.0.1",
        port: Int,
        path: String = "/twilio/message-status",
        bodyLimit: Int = 64 * 1024,
        logger: Logger
    ) async throws {
        let router = Router()
        router.post(RouterPath(path)) { request, _ -> HTTPResponse.Status in
            let body = try await request.body.collect(upTo: bodyLimit)
            // Touch the bytes so the read cannot be optimised away.
            return body.readableBytes >= 0 ? .ok : .internalServerError
        }
        let app = Application(
            router: router,
            configuration: .init(address: .hostname(host, port: port), serverName: "statusrelay-bench-bare"),
            logger: logger
        )
        try await app.runService()
    }
}
