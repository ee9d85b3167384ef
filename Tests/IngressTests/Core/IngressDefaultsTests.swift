import Ingress
import Kafka
import StatusEvents
import StatusRelayCore
import Testing

/// Each ingress default is written once, in `IngressConfiguration` and the types it holds: a run
/// with only a token set gets exactly the configuration's defaults, and `--help` shows them.
@Suite struct IngressDefaultsTests {
    @Test func nothingSetResolvesToTheConfigurationsDefaults() throws {
        var resolver = ConfigurationResolver(layers: .init(environment: ["TWILIO_AUTH_TOKEN": "token"]))
        let resolved = try IngressConfiguration(resolving: &resolver)
        let defaults = IngressConfiguration(
            spoolDirectory: IngressConfiguration.defaultSpoolDirectory, brokers: KafkaSettings.defaultBrokers,
            topic: KafkaSettings.defaultTopic, authTokens: ["token"]
        )
        #expect(resolved.listen == defaults.listen)
        #expect(resolved.brokers == defaults.brokers)
        #expect(resolved.topic == defaults.topic)
        #expect(resolved.trustedProxies == defaults.trustedProxies)
        #expect(resolved.spool.directory == defaults.spool.directory)
        #expect(resolved.spool.maxBytes == defaults.spool.maxBytes)
        #expect(resolved.spool.segmentBytes == defaults.spool.segmentBytes)
        #expect(resolved.kafkaLinger == defaults.kafkaLinger)
        #expect(resolved.kafkaCompression == defaults.kafkaCompression)
        #expect(resolved.publisher.kafkaDeadline == defaults.publisher.kafkaDeadline)
        #expect(resolved.publisher.degradedHold == defaults.publisher.degradedHold)
        #expect(resolved.publisher.forceSpool == defaults.publisher.forceSpool)
        #expect(resolved.maxBodySize == defaults.maxBodySize)
        #expect(resolved.maxHeaderSize == defaults.maxHeaderSize)
        #expect(resolved.webhookLimits == defaults.webhookLimits)
        #expect(resolved.maxConcurrentRequests == defaults.maxConcurrentRequests)
        #expect(resolved.maxRequestsPerSecond == defaults.maxRequestsPerSecond)
        #expect(resolved.rateLimitBurst == defaults.rateLimitBurst)
        #expect(resolved.maxRequestsPerConnection == defaults.maxRequestsPerConnection)
        #expect(resolved.requestTimeout == defaults.requestTimeout)
        #expect(resolved.idleTimeout == defaults.idleTimeout)
        #expect(resolved.shutdownTimeout == defaults.shutdownTimeout)
        #expect(resolved.routes == defaults.routes)
        #expect(resolved.createTopic == defaults.createTopic)
        #expect(resolved.topicPartitions == defaults.topicPartitions)
        #expect(resolved.logFormat == defaults.logFormat && resolved.logLevel == defaults.logLevel)
    }

    @Test func documentedDefaultsAreTheConfigurations() {
        let defaults = IngressConfiguration(spoolDirectory: IngressConfiguration.defaultSpoolDirectory, brokers: [], topic: "t", authTokens: [])
        #expect(IngressSettings.listen.defaultDescription == "\(defaults.listen)")
        #expect(IngressSettings.spoolDirectory.defaultDescription == defaults.spool.directory)
        #expect(IngressSettings.kafkaCompression.defaultDescription == defaults.kafkaCompression.rawValue)
        #expect(IngressSettings.publishTimeout.defaultDescription == DurationFormat.format(defaults.publisher.kafkaDeadline))
        #expect(IngressSettings.formPath.defaultDescription == defaults.routes.form)
    }
}
