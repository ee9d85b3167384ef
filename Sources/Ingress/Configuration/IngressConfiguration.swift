import Foundation
package import Kafka
package import Logging
package import StatusEvents
package import StatusRelayCore

/// The resolved configuration of one ingress. Each field's flag, env var and default are in
/// `IngressSettings` (and `--help`); tests build it directly.
package struct IngressConfiguration: Sendable {
    package var listen: HostPort = HostPort(host: "127.0.0.1", port: 8080)
    package var brokers: [String] = KafkaSettings.defaultBrokers
    package var topic: String = KafkaSettings.defaultTopic
    /// nil: `<topic>.rejected`.
    package var deadLetterTopic: String?
    /// May carry `user:password@` (basic auth), but only from the environment or the file.
    package var publicURL: String?
    package var authTokens: [Secret] = []
    package var sharedKeys: [String: Secret] = [:]
    package var trustedProxies: [String] = []
    package var spool: Spool.Configuration = .init(directory: defaultSpoolDirectory)
    package var kafkaConfig: [String: String] = [:]
    /// Producer `linger.ms`. Default 2 ms: at a few thousand callbacks/s, one produce request per
    /// callback costs the ingress and the broker about a third more CPU than batching for 2 ms, and
    /// the queueing that CPU causes outweighs the 2 ms. Flag `--kafka-linger`, env `STATUSRELAY_KAFKA_LINGER`.
    package var kafkaLinger: Duration = .milliseconds(2)
    /// Producer `compression.type`. Default lz4: the event JSON shrinks to about a third, and the
    /// broker and every consumer of the topic then move a third of the bytes; lz4 costs the ingress
    /// little, and consumers decompress it for less than they save in reading (see README,
    /// Benchmarks). Flag `--kafka-compression`, env `STATUSRELAY_KAFKA_COMPRESSION`.
    package var kafkaCompression = KafkaSettings.defaultCompression
    package var nodeID: String = IngressConfiguration.defaultNodeID
    package var publisher: EventPublisher.Configuration = .init()
    package var maxBodySize: Int = 64 << 10
    package var maxHeaderSize: Int = 16 << 10
    /// What one request may cost before its signature is checked (`--max-form-parameters`,
    /// `--max-batch-events`).
    package var webhookLimits: WebhookLimits = WebhookLimits()
    package var maxConcurrentRequests: Int = 0
    /// Callbacks per second across the process before 429; 0 disables (default).
    package var maxRequestsPerSecond: Double = 0
    /// Token-bucket size for `maxRequestsPerSecond`; 0 means one second's worth.
    package var rateLimitBurst: Int = 0
    package var maxRequestsPerConnection: Int = 10_000
    package var requestTimeout: Duration = .seconds(10)
    package var idleTimeout: Duration = .seconds(60)
    package var shutdownTimeout: Duration = .seconds(10)
    package var tlsCertificatePath: String?
    package var tlsKeyPath: String?
    package var routes: Routes = .init()
    package var createTopic: Bool = false
    package var topicPartitions: Int = 3
    package var logFormat = LoggingBootstrap.defaultFormat
    package var logLevel = LoggingBootstrap.defaultLevel

    package struct Routes: Sendable, Hashable {
        package var form = "/twilio/message-status"
        package var eventStreams = "/twilio/event-streams"
        package var health = "/healthz"
        package var ready = "/readyz"
        package var metrics = "/metrics"
        package init() {}
    }

    package init(spoolDirectory: String, brokers: [String], topic: String, authTokens: [String]) {
        self.spool = .init(directory: spoolDirectory)
        self.brokers = brokers
        self.topic = topic
        self.authTokens = authTokens.map(Secret.init)
    }

    package var effectiveDeadLetterTopic: String { deadLetterTopic ?? Self.defaultDeadLetterTopic(topic: topic) }

    /// `./data/spool`.
    package static let defaultSpoolDirectory = "./data/spool"

    /// `<topic>.rejected`, the dead-letter topic when none is set.
    package static func defaultDeadLetterTopic(topic: String) -> String { "\(topic).rejected" }

    package static var defaultNodeID: String { ProcessInfo.processInfo.hostName }

    /// Resolves every setting through the layers and validates the result.
    package init(resolving resolver: inout ConfigurationResolver) throws(ConfigurationError) {
        typealias S = IngressSettings
        listen = try resolver.required(S.listen)
        brokers = try resolver.required(S.brokers)
        topic = try resolver.required(S.topic)
        let topic = topic
        deadLetterTopic = try resolver.value(S.deadLetterTopic) { Self.defaultDeadLetterTopic(topic: topic) }
        publicURL = try resolver.optional(S.publicURL)
        if let publicURL, PublicURLResolver.hasUserinfo(publicURL), resolver.resolved.last?.source == .flag {
            // Anyone on the host can read a process's arguments.
            throw ConfigurationError(
                code: .invalidValue, setting: S.publicURL.name,
                message: "\(SecretRedaction.redact(url: publicURL)) carries credentials, which would show in the process list "
                    + "as a flag; set it through \(S.publicURL.environmentVariable ?? "the environment") or '\(S.publicURL.name)' in the configuration file"
            )
        }
        authTokens = (try resolver.optional(S.authToken) ?? []).map(Secret.init)
        sharedKeys = (try resolver.required(S.sharedKey)).mapValues(Secret.init)
        trustedProxies = try resolver.required(S.trustedProxy)
        spool = Spool.Configuration(
            directory: try resolver.required(S.spoolDirectory),
            maxBytes: try resolver.required(S.spoolMaxBytes),
            segmentBytes: try resolver.required(S.spoolSegmentBytes)
        )
        kafkaConfig = try resolver.required(S.kafkaConfig)
        kafkaLinger = try resolver.required(S.kafkaLinger)
        kafkaCompression = try resolver.required(S.kafkaCompression)
        nodeID = try resolver.value(S.nodeID) { Self.defaultNodeID }
        publisher = EventPublisher.Configuration(
            kafkaDeadline: try resolver.required(S.publishTimeout),
            degradedHold: try resolver.required(S.degradedHold),
            forceSpool: try resolver.required(S.forceSpool)
        )
        maxBodySize = try resolver.required(S.maxBodySize)
        maxHeaderSize = try resolver.required(S.maxHeaderSize)
        webhookLimits = WebhookLimits(
            maxFormParameters: try resolver.required(S.maxFormParameters),
            maxBatchEvents: try resolver.required(S.maxBatchEvents)
        )
        maxConcurrentRequests = try resolver.required(S.maxConcurrentRequests)
        maxRequestsPerSecond = try resolver.required(S.maxRequestsPerSecond)
        rateLimitBurst = try resolver.required(S.rateLimitBurst)
        maxRequestsPerConnection = try resolver.required(S.maxRequestsPerConnection)
        requestTimeout = try resolver.required(S.requestTimeout)
        idleTimeout = try resolver.required(S.idleTimeout)
        shutdownTimeout = try resolver.required(S.shutdownTimeout)
        tlsCertificatePath = try resolver.optional(S.tlsCertificate)
        tlsKeyPath = try resolver.optional(S.tlsKey)
        routes.form = try resolver.required(S.formPath)
        routes.eventStreams = try resolver.required(S.eventStreamsPath)
        routes.health = try resolver.required(S.healthPath)
        routes.ready = try resolver.required(S.readyPath)
        routes.metrics = try resolver.required(S.metricsPath)
        createTopic = try resolver.required(S.createTopic)
        topicPartitions = try resolver.required(S.topicPartitions)
        logFormat = try resolver.required(LogFormat.setting)
        logLevel = try resolver.required(Logger.Level.setting)
        try resolver.rejectUnknownFileKeys()
        try validate()
    }

    /// Checks cross-field rules; `--check-config` reports these.
    package func validate() throws(ConfigurationError) {
        if authTokens.isEmpty && sharedKeys.isEmpty {
            throw ConfigurationError(
                code: .missingValue, setting: "auth-token",
                message: "no signing secret: set TWILIO_AUTH_TOKEN (or --auth-token / --auth-token-file) or --shared-key")
        }
        if authTokens.contains(where: { $0.reveal().isEmpty }) {
            throw ConfigurationError(code: .invalidValue, setting: "auth-token", message: "an auth token is empty")
        }
        if brokers.isEmpty {
            throw ConfigurationError(code: .missingValue, setting: "brokers", message: "at least one broker is required")
        }
        if (tlsCertificatePath == nil) != (tlsKeyPath == nil) {
            throw ConfigurationError(code: .invalidValue, setting: "tls-cert", message: "--tls-cert and --tls-key go together")
        }
        let paths = [routes.form, routes.eventStreams, routes.health, routes.ready, routes.metrics]
        if let bad = paths.first(where: { !$0.hasPrefix("/") }) {
            throw ConfigurationError(code: .invalidValue, message: "route path '\(bad)' must start with /")
        }
        if Set(paths).count != paths.count {
            throw ConfigurationError(code: .invalidValue, message: "route paths must be distinct")
        }
        if spool.segmentBytes > spool.maxBytes {
            throw ConfigurationError(code: .invalidValue, setting: "spool-segment-bytes", message: "must not exceed --spool-max-bytes")
        }
        if maxBodySize < 1024 {
            throw ConfigurationError(code: .invalidValue, setting: "max-body-size", message: "must be at least 1KiB")
        }
    }
}
