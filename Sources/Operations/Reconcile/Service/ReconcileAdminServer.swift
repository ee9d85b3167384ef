package import Hummingbird
package import Logging
import NIOCore
package import Prometheus
import StatusRelayCore

/// The admin HTTP endpoints of `statusrelay reconcile --every` (`--admin-listen`):
/// - `GET /healthz`: 200 while the service runs;
/// - `GET /readyz`: 200 once a pass ended without stopping, else 503 with the reason;
/// - `GET /metrics`: Prometheus text exposition (`statusrelay_reconcile_*`).
package enum ReconcileAdminServer {
    package static func make(
        host: String, port: Int, health: ReconcileHealth, registry: PrometheusCollectorRegistry, logger: Logger,
        onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        Application(
            router: router(health: health, registry: registry),
            configuration: ApplicationConfiguration(address: .hostname(host, port: port), serverName: "statusrelay-reconcile"),
            onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? port) },
            logger: logger
        )
    }

    static func router(health: ReconcileHealth, registry: PrometheusCollectorRegistry) -> Router<BasicRequestContext> {
        let router = Router()
        router.get("healthz") { _, _ -> Response in
            health.snapshot.running ? text(.ok, "ok\n") : text(.serviceUnavailable, "stopped\n")
        }
        router.get("readyz") { _, _ -> Response in
            let snapshot = health.snapshot
            if snapshot.isReady { return text(.ok, "ready: \(snapshot.passes) passes\n") }
            let reason = !snapshot.running ? "stopped" : snapshot.lastFailure ?? "first pass not finished"
            return text(.serviceUnavailable, "not ready: \(reason)\n")
        }
        router.get("metrics") { _, _ -> Response in
            Response(
                status: .ok, headers: [.contentType: PrometheusExposition.contentType],
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: PrometheusExposition.render(registry)))
            )
        }
        return router
    }

    private static func text(_ status: HTTPResponse.Status, _ body: String) -> Response {
        Response(status: status, headers: [.contentType: "text/plain; charset=utf-8"], body: ResponseBody(byteBuffer: ByteBuffer(string: body)))
    }
}
