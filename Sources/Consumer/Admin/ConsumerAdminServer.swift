package import Hummingbird
package import Logging
import NIOCore
package import Prometheus
import StatusRelayCore

/// The consumer's admin HTTP endpoints (`--admin-listen`):
/// - `GET /healthz`: 200 while the pipeline runs, 503 once it stopped;
/// - `GET /readyz`: 200 when started, every sink accepts writes and no partition is stalled (records
///   read but no committed progress for `--stall-timeout`), else 503 with the reason;
///   both answer JSON in the ingress's format (`liveness`, `readiness`);
/// - `GET /metrics`: Prometheus text exposition.
package enum ConsumerAdminServer {
    /// Builds the admin server as a `Service` for the consumer's `ServiceGroup`.
    package static func make(
        host: String,
        port: Int,
        health: ConsumerHealth,
        registry: PrometheusCollectorRegistry,
        logger: Logger,
        onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        let router = Router()
        router.get("healthz") { _, _ -> Response in
            let (status, body) = liveness(health.snapshot)
            return json(status, body)
        }
        router.get("readyz") { _, _ -> Response in
            let (status, body) = readiness(health.snapshot)
            return json(status, body)
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

    /// `{"status":"alive"}` (200) or `{"status":"stopped"}` (503), as the ingress answers.
    static func liveness(_ snapshot: ConsumerHealth.Snapshot) -> (HTTPResponse.Status, String) {
        snapshot.isLive ? (.ok, #"{"status":"alive"}"#) : (.serviceUnavailable, #"{"status":"stopped"}"#)
    }

    /// `{"ready":true|false,…}` like the ingress's `/readyz`: each component's state, and for 503
    /// the reason, e.g. `{"ready":false,"reason":"sink unavailable","sinks":"unavailable",
    /// "partitions":[0,1],"stalled":[]}`.
    static func readiness(_ snapshot: ConsumerHealth.Snapshot) -> (HTTPResponse.Status, String) {
        func list(_ partitions: [Int32]) -> String { "[" + partitions.map(String.init).joined(separator: ",") + "]" }
        var body = "{\"ready\":\(snapshot.isReady)"
        if !snapshot.isReady {
            let reason =
                !snapshot.started
                ? "starting"
                : snapshot.stopped
                    ? "stopped"
                    : !snapshot.sinksHealthy
                        ? "sink unavailable"
                        : !snapshot.stalledPartitions.isEmpty
                            ? "no committed progress on partitions \(list(snapshot.stalledPartitions))" : "not ready"
            body += ",\"reason\":"
            JSONString.append(reason, to: &body)
        }
        body += ",\"sinks\":\"\(snapshot.sinksHealthy ? "healthy" : "unavailable")\""
        body += ",\"partitions\":\(list(snapshot.assignedPartitions)),\"stalled\":\(list(snapshot.stalledPartitions))}"
        return (snapshot.isReady ? .ok : .serviceUnavailable, body)
    }

    private static func json(_ status: HTTPResponse.Status, _ body: String) -> Response {
        Response(
            status: status,
            headers: [.contentType: "application/json"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: body))
        )
    }
}
