import ArgumentParser
import Foundation
import Ingress
import Logging
import StatusRelayCore

/// `statusrelay-ingress`: the edge service Twilio posts status callbacks to.
@main
struct IngressCommand: AsyncParsableCommand {
    typealias S = IngressSettings

    static var configuration: CommandConfiguration {
        CommandConfiguration(
            commandName: "statusrelay-ingress",
            abstract: "Verify, normalize and durably publish Twilio status callbacks to Kafka.",
            discussion: """
                Every option can also come from its environment variable or from the YAML file given with \
                --config (keys are the option names without dashes). Precedence: flags > environment > file > \
                defaults. Secrets (--auth-token, --shared-key) may be read from files (--auth-token-file, \
                TWILIO_AUTH_TOKEN_FILE, ...) and are never printed.
                """,
            version: StatusRelayVersion.line(tool: "statusrelay-ingress")
        )
    }

    @Option(name: .customLong("config"), help: ArgumentHelp("YAML configuration file (env: STATUSRELAY_CONFIG).", valueName: "file"))
    var configFile: String?

    @Flag(name: .customLong("check-config"), help: "Validate the configuration, print it (secrets redacted) and exit.")
    var checkConfig = false

    @Option(name: .customLong(S.listen.name), help: ArgumentHelp(S.listen.help, valueName: "host:port"))
    var listen: String?
    @Option(name: .customLong(S.brokers.name), help: ArgumentHelp(S.brokers.help, valueName: "list"))
    var brokers: String?
    @Option(name: .customLong(S.topic.name), help: ArgumentHelp(S.topic.help, valueName: "name"))
    var topic: String?
    @Option(name: .customLong(S.deadLetterTopic.name), help: ArgumentHelp(S.deadLetterTopic.help, valueName: "name"))
    var deadLetterTopic: String?
    @Option(name: .customLong(S.publicURL.name), help: ArgumentHelp(S.publicURL.help, valueName: "url"))
    var publicURL: String?
    @Option(name: .customLong(S.authToken.name), help: ArgumentHelp(S.authToken.help, valueName: "token"))
    var authToken: String?
    @Option(name: .customLong(S.authToken.fileName), help: ArgumentHelp(S.authToken.fileHelp, valueName: "path"))
    var authTokenFile: String?
    @Option(name: .customLong(S.sharedKey.name), help: ArgumentHelp(S.sharedKey.help, valueName: "id=secret"))
    var sharedKey: [String] = []
    @Option(name: .customLong(S.sharedKey.fileName), help: ArgumentHelp(S.sharedKey.fileHelp + " One ID=SECRET per line.", valueName: "path"))
    var sharedKeyFile: String?
    @Option(name: .customLong(S.trustedProxy.name), help: ArgumentHelp(S.trustedProxy.help, valueName: "ip|cidr"))
    var trustedProxy: [String] = []
    @Option(name: .customLong(S.spoolDirectory.name), help: ArgumentHelp(S.spoolDirectory.help, valueName: "dir"))
    var spoolDirectory: String?
    @Option(name: .customLong(S.spoolMaxBytes.name), help: ArgumentHelp(S.spoolMaxBytes.help, valueName: "size"))
    var spoolMaxBytes: String?
    @Option(name: .customLong(S.spoolSegmentBytes.name), help: ArgumentHelp(S.spoolSegmentBytes.help, valueName: "size"))
    var spoolSegmentBytes: String?
    @Option(name: .customLong(S.kafkaConfig.name), help: ArgumentHelp(S.kafkaConfig.help, valueName: "key=value"))
    var kafkaConfig: [String] = []
    @Option(name: .customLong(S.nodeID.name), help: ArgumentHelp(S.nodeID.help, valueName: "id"))
    var nodeID: String?
    @Option(name: .customLong(S.publishTimeout.name), help: ArgumentHelp(S.publishTimeout.help, valueName: "duration"))
    var publishTimeout: String?
    @Option(name: .customLong(S.kafkaLinger.name), help: ArgumentHelp(S.kafkaLinger.help, valueName: "duration"))
    var kafkaLinger: String?
    @Option(name: .customLong(S.kafkaCompression.name), help: ArgumentHelp(S.kafkaCompression.help, valueName: "codec"))
    var kafkaCompression: String?
    @Option(name: .customLong(S.degradedHold.name), help: ArgumentHelp(S.degradedHold.help, valueName: "duration"))
    var degradedHold: String?
    @Flag(name: .customLong(S.forceSpool.name), inversion: .prefixedNo, help: ArgumentHelp(S.forceSpool.help))
    var forceSpool: Bool? = nil
    @Option(name: .customLong(S.maxBodySize.name), help: ArgumentHelp(S.maxBodySize.help, valueName: "size"))
    var maxBodySize: String?
    @Option(name: .customLong(S.maxHeaderSize.name), help: ArgumentHelp(S.maxHeaderSize.help, valueName: "size"))
    var maxHeaderSize: String?
    @Option(name: .customLong(S.maxFormParameters.name), help: ArgumentHelp(S.maxFormParameters.help, valueName: "n"))
    var maxFormParameters: String?
    @Option(name: .customLong(S.maxBatchEvents.name), help: ArgumentHelp(S.maxBatchEvents.help, valueName: "n"))
    var maxBatchEvents: String?
    @Option(name: .customLong(S.maxConcurrentRequests.name), help: ArgumentHelp(S.maxConcurrentRequests.help, valueName: "n"))
    var maxConcurrentRequests: String?
    @Option(name: .customLong(S.maxRequestsPerSecond.name), help: ArgumentHelp(S.maxRequestsPerSecond.help, valueName: "rate"))
    var maxRequestsPerSecond: String?
    @Option(name: .customLong(S.rateLimitBurst.name), help: ArgumentHelp(S.rateLimitBurst.help, valueName: "n"))
    var rateLimitBurst: String?
    @Option(name: .customLong(S.maxRequestsPerConnection.name), help: ArgumentHelp(S.maxRequestsPerConnection.help, valueName: "n"))
    var maxRequestsPerConnection: String?
    @Option(name: .customLong(S.requestTimeout.name), help: ArgumentHelp(S.requestTimeout.help, valueName: "duration"))
    var requestTimeout: String?
    @Option(name: .customLong(S.idleTimeout.name), help: ArgumentHelp(S.idleTimeout.help, valueName: "duration"))
    var idleTimeout: String?
    @Option(name: .customLong(S.shutdownTimeout.name), help: ArgumentHelp(S.shutdownTimeout.help, valueName: "duration"))
    var shutdownTimeout: String?
    @Option(name: .customLong(S.tlsCertificate.name), help: ArgumentHelp(S.tlsCertificate.help, valueName: "path"))
    var tlsCertificate: String?
    @Option(name: .customLong(S.tlsKey.name), help: ArgumentHelp(S.tlsKey.help, valueName: "path"))
    var tlsKey: String?
    @Option(name: .customLong(S.formPath.name), help: ArgumentHelp(S.formPath.help, valueName: "path"))
    var formPath: String?
    @Option(name: .customLong(S.eventStreamsPath.name), help: ArgumentHelp(S.eventStreamsPath.help, valueName: "path"))
    var eventStreamsPath: String?
    @Option(name: .customLong(S.healthPath.name), help: ArgumentHelp(S.healthPath.help, valueName: "path"))
    var healthPath: String?
    @Option(name: .customLong(S.readyPath.name), help: ArgumentHelp(S.readyPath.help, valueName: "path"))
    var readyPath: String?
    @Option(name: .customLong(S.metricsPath.name), help: ArgumentHelp(S.metricsPath.help, valueName: "path"))
    var metricsPath: String?
    @Flag(name: .customLong(S.createTopic.name), inversion: .prefixedNo, help: ArgumentHelp(S.createTopic.help))
    var createTopic: Bool? = nil
    @Option(name: .customLong(S.topicPartitions.name), help: ArgumentHelp(S.topicPartitions.help, valueName: "n"))
    var topicPartitions: String?
    @Option(name: .customLong(LogFormat.setting.name), help: ArgumentHelp(LogFormat.setting.help, valueName: "format"))
    var logFormat: String?
    @Option(name: .customLong(Logger.Level.setting.name), help: ArgumentHelp(Logger.Level.setting.help, valueName: "level"))
    var logLevel: String?

    var flagValues: FlagValues {
        var flags = FlagValues()
        flags.set(S.listen.name, listen)
        flags.set(S.brokers.name, brokers)
        flags.set(S.topic.name, topic)
        flags.set(S.deadLetterTopic.name, deadLetterTopic)
        flags.set(S.publicURL.name, publicURL)
        flags.set(S.authToken.name, authToken)
        flags.set(S.authToken.fileName, authTokenFile)
        flags.set(S.sharedKey.name, sharedKey)
        flags.set(S.sharedKey.fileName, sharedKeyFile)
        flags.set(S.trustedProxy.name, trustedProxy)
        flags.set(S.spoolDirectory.name, spoolDirectory)
        flags.set(S.spoolMaxBytes.name, spoolMaxBytes)
        flags.set(S.spoolSegmentBytes.name, spoolSegmentBytes)
        flags.set(S.kafkaConfig.name, kafkaConfig)
        flags.set(S.nodeID.name, nodeID)
        flags.set(S.publishTimeout.name, publishTimeout)
        flags.set(S.degradedHold.name, degradedHold)
        flags.set(S.kafkaLinger.name, kafkaLinger)
        flags.set(S.kafkaCompression.name, kafkaCompression)
        flags.set(S.forceSpool.name, forceSpool.map { String($0) })
        flags.set(S.maxBodySize.name, maxBodySize)
        flags.set(S.maxHeaderSize.name, maxHeaderSize)
        flags.set(S.maxFormParameters.name, maxFormParameters)
        flags.set(S.maxBatchEvents.name, maxBatchEvents)
        flags.set(S.maxConcurrentRequests.name, maxConcurrentRequests)
        flags.set(S.maxRequestsPerSecond.name, maxRequestsPerSecond)
        flags.set(S.rateLimitBurst.name, rateLimitBurst)
        flags.set(S.maxRequestsPerConnection.name, maxRequestsPerConnection)
        flags.set(S.requestTimeout.name, requestTimeout)
        flags.set(S.idleTimeout.name, idleTimeout)
        flags.set(S.shutdownTimeout.name, shutdownTimeout)
        flags.set(S.tlsCertificate.name, tlsCertificate)
        flags.set(S.tlsKey.name, tlsKey)
        flags.set(S.formPath.name, formPath)
        flags.set(S.eventStreamsPath.name, eventStreamsPath)
        flags.set(S.healthPath.name, healthPath)
        flags.set(S.readyPath.name, readyPath)
        flags.set(S.metricsPath.name, metricsPath)
        flags.set(S.createTopic.name, createTopic.map { String($0) })
        flags.set(S.topicPartitions.name, topicPartitions)
        flags.set(LogFormat.setting.name, logFormat)
        flags.set(Logger.Level.setting.name, logLevel)
        return flags
    }

    func run() async throws {
        var resolver: ConfigurationResolver
        let configuration: IngressConfiguration
        do {
            let layers = try ConfigurationLayers.process(flags: flagValues, configFlag: configFile)
            resolver = ConfigurationResolver(layers: layers)
            configuration = try IngressConfiguration(resolving: &resolver)
        } catch {
            FileHandle.standardError.write(Data("statusrelay-ingress: configuration error: \(error)\n".utf8))
            throw ExitCode(2)
        }
        if checkConfig {
            print(resolver.report())
            print("configuration OK")
            return
        }

        LoggingBootstrap.bootstrap(format: configuration.logFormat, level: configuration.logLevel)
        let logger = Logger(label: "statusrelay-ingress")
        do {
            try LibrdkafkaVersionGate.check(logger: logger)
        } catch {
            logger.critical("refusing to start", metadata: ["error": "\(error)"])
            FileHandle.standardError.write(Data("statusrelay-ingress: \(error)\n".utf8))
            throw ExitCode(1)
        }
        do {
            // A busy port, named with the flag to change, before the Kafka clients start.
            try ListenAddressCheck.check(configuration.listen, setting: IngressSettings.listen)
        } catch {
            FileHandle.standardError.write(Data("statusrelay-ingress: \(error)\n".utf8))
            throw ExitCode(1)
        }
        let server = IngressServer(configuration: configuration, registry: MetricsBootstrap.bootstrap(service: "ingress", catalog: IngressMetricCatalog.catalog), logger: logger)
        do {
            try await server.run(gracefulShutdownSignals: [.sigterm, .sigint])
        } catch {
            logger.critical("statusrelay-ingress failed", metadata: ["error": "\(error)"])
            throw ExitCode(1)
        }
    }
}
