package import Hummingbird
import HummingbirdCore
import HummingbirdTLS
package import Logging
import NIOCore
import NIOSSL
import StatusEvents
import StatusRelayCore

/// The ingress's HTTP application, built apart from running it: `IngressServer` runs it in its
/// `ServiceGroup`; tests drive it through `app.test(.router)` with an in-memory publisher, no broker.
package enum IngressApplication {
    /// What the application uses but does not own.
    package struct Dependencies: Sendable {
        package var publisher: any EventPublishing
        package var metrics: IngressMetrics
        /// Whether Kafka answers (cached briefly by `/readyz`).
        package var brokerReachable: @Sendable () async -> Bool
        /// Whether the spool can take another record.
        package var spoolHasRoom: @Sendable () -> Bool
        /// Refreshes gauges (spool, producer queue) right before `/metrics` renders.
        package var refreshGauges: @Sendable () -> Void

        package init(
            publisher: any EventPublishing, metrics: IngressMetrics, brokerReachable: @escaping @Sendable () async -> Bool,
            spoolHasRoom: @escaping @Sendable () -> Bool, refreshGauges: @escaping @Sendable () -> Void = {}
        ) {
            self.publisher = publisher
            self.metrics = metrics
            self.brokerReachable = brokerReachable
            self.spoolHasRoom = spoolHasRoom
            self.refreshGauges = refreshGauges
        }
    }

    /// The HTTP/1.1 (or, with `tlsCertificatePath`, HTTPS) application on `configuration.listen`.
    ///
    /// - Throws: `WebhookError` for an invalid public URL or trusted proxy; TLS file errors.
    package static func buildApplication(
        configuration: IngressConfiguration,
        dependencies: Dependencies,
        logger: Logger,
        onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) throws -> Application<IngressResponder> {
        var secrets = WebhookSecrets(
            authTokens: configuration.authTokens.map { $0.reveal() },
            sharedKeys: configuration.sharedKeys.sorted { $0.key < $1.key }.map { .init(id: $0.key, secret: $0.value.reveal()) }
        )
        if secrets.defaultScope.isEmpty { secrets = WebhookSecrets(authTokens: []) }
        let urlResolver = try PublicURLResolver(
            configuration: .init(publicBaseURL: configuration.publicURL, trustedProxies: configuration.trustedProxies)
        )
        let router = IngressRouter.build(
            .init(
                callback: .init(
                    configuration: configuration,
                    verifier: SignatureVerifier(secrets: secrets),
                    urlResolver: urlResolver,
                    callbackNormalizer: StatusCallbackNormalizer(nodeId: configuration.nodeID),
                    eventStreamsNormalizer: EventStreamsNormalizer(nodeId: configuration.nodeID, maxEvents: configuration.webhookLimits.maxBatchEvents),
                    publisher: dependencies.publisher,
                    metrics: dependencies.metrics
                ),
                readiness: ReadinessProbe(spoolHasRoom: dependencies.spoolHasRoom, probeBroker: dependencies.brokerReachable),
                limiter: ConcurrencyLimiter(limit: configuration.maxConcurrentRequests),
                rateLimiter: RateLimiter(requestsPerSecond: configuration.maxRequestsPerSecond, burst: configuration.rateLimitBurst),
                refreshGauges: dependencies.refreshGauges
            )
        )

        let requestTimeout = TimeAmount.nanoseconds(configuration.requestTimeout.nanoseconds)
        var http1 = HTTP1Channel.Configuration(
            additionalChannelHandlers: [
                ConnectionGuardHandler(requestTimeout: requestTimeout, maxRequests: configuration.maxRequestsPerConnection)
            ],
            idleTimeout: .nanoseconds(configuration.idleTimeout.nanoseconds)
        )
        http1.httpDecoder = .init(
            maxHeaderFieldSize: configuration.maxHeaderSize, maxHeaderListSize: configuration.maxHeaderSize, maxHeaderFieldCount: 100
        )
        let server: HTTPServerBuilder
        if let certificate = configuration.tlsCertificatePath, let key = configuration.tlsKeyPath {
            let chain = try NIOSSLCertificate.fromPEMFile(certificate).map { NIOSSLCertificateSource.certificate($0) }
            let tls = TLSConfiguration.makeServerConfiguration(
                certificateChain: chain, privateKey: .privateKey(try NIOSSLPrivateKey(file: key, format: .pem))
            )
            server = try .tls(.http1(configuration: http1), tlsConfiguration: tls)
        } else {
            server = .http1(configuration: http1)
        }
        return Application(
            responder: router.buildResponder(),
            server: server,
            configuration: ApplicationConfiguration(
                address: .hostname(configuration.listen.host, port: configuration.listen.port), serverName: nil
            ),
            onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? configuration.listen.port) },
            logger: logger
        )
    }
}
