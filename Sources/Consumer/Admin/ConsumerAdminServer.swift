public import Hummingbird
public import Logging
import NIOCore
public import Prometheus
import StatusRelayCore

/// The consumer's admin HTTP endpoints (`--admin-listen`):
/// - `GET /healthz`: 200 while the pipeline runs, 503 once it stopped;
/// - `GET /readyz`: 200 when started, every sink accepts writes and no partition is stalled (records
///   read but no committed progress for `--stall-timeout`), else 503 with the reason;
/// - `GET /metrics`: Prometheus text exposition.
public enum ConsumerAdminServer {
    /// Builds the admin server as a `Service` for the consumer's `ServiceGroup`.
    public static func make(
        host: String,
        port: Int,
        health: ConsumerHealth,
        registry: PrometheusCollectorRegistry,
        logger: Logger,
        onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        let router = Router()
        router.get("healthz") { _, _ -> Response in
            let snapshot = health.snapshot
            return text(snapshot.isLive ? .ok : .serviceUnavailable, snapshot.isLive ? "ok\n" : "stopped\n")
        }
        router.get("readyz") { _, _ -> Response in
            let snapshot = health.snapshot
            if snapshot.isReady {
                return text(.ok, "ready: partitions \(snapshot.assignedPartitions)\n")
            }
            let reason =
                !snapshot.started
                ? "starting"
                : snapshot.stopped
                    ? "stopped"
                    : !snapshot.sinksHealthy
                        ? "sink unavailable"
                        : !snapshot.stalledPartitions.isEmpty
                            ? "no committed progress on partitions \(snapshot.stalledPartitions)" : "not ready"
            return text(.serviceUnavailable, "not ready: \(reason)\n")
        }
        router.get("metrics") { _, _ -> Response in
            let bytes = PrometheusExposition.render(registry)
            return Response(
                status: .ok,
                headers: [.contentType: PrometheusExposition.contentType],
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes))
            )
        }
        return Application(
            router: router,
            configuration: ApplicationConfiguration(address: .hostname(host, port: port), serverName: "statusrelay-consumer"),
            onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? port) },
            logger: logger
        )
    }

    private static func text(_ status: HTTPResponse.Status, _ body: String) -> Response {
        Response(
            status: status,
            headers: [.contentType: "text/plain; charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: body))
        )
    }
}
