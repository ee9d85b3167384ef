import Consumer
import StatusRelayCore
import Testing

/// Each consumer default is written once, in the configuration types: a run with nothing set gets
/// exactly `ConsumerConfiguration()`, and `--help`/`--check-config` show those values.
@Suite struct ConsumerDefaultsTests {
    @Test func nothingSetResolvesToTheConfigurationsDefaults() throws {
        var resolver = ConfigurationResolver(layers: .init())
        let resolved = try ConsumerConfiguration(resolving: &resolver)
        let defaults = ConsumerConfiguration()
        #expect(resolved.brokers == defaults.brokers)
        #expect(resolved.topic == defaults.topic)
        #expect(resolved.group == defaults.group)
        #expect(resolved.sinks == defaults.sinks)
        #expect(resolved.stateTopic == defaults.stateTopic)
        #expect(resolved.createTopic == defaults.createTopic)
        #expect(resolved.topicPartitions == defaults.topicPartitions)
        #expect(resolved.adminListen == defaults.adminListen)
        #expect(resolved.service.reorder == defaults.service.reorder)
        #expect(resolved.service.maxBatchSize == defaults.service.maxBatchSize)
        #expect(resolved.service.tickInterval == defaults.service.tickInterval)
        #expect(resolved.service.deadLetterTopic == defaults.service.deadLetterTopic)
        #expect(resolved.service.shutdownGracePeriod == defaults.service.shutdownGracePeriod)
        #expect(resolved.service.commitInterval == defaults.service.commitInterval)
        #expect(resolved.service.deadLetterMaxBytes == defaults.service.deadLetterMaxBytes)
        #expect(resolved.service.stallTimeout == defaults.service.stallTimeout)
        let http = SinkFactory.Configuration().http
        #expect(resolved.forwardConcurrency == http.maxConcurrency)
        #expect(resolved.forwardMaxAttempts == http.maxAttempts)
        #expect(resolved.forwardRequestTimeout == http.requestTimeout)
        #expect(resolved.logFormat == defaults.logFormat && resolved.logLevel == defaults.logLevel)
        #expect(resolved.sinkSettings.sqlite.backgroundCheckpointInterval == SinkFactory.Configuration().sqlite.backgroundCheckpointInterval)
    }

    /// What `--help` and `--check-config` print as the default is the configuration's value.
    @Test func documentedDefaultsAreTheConfigurations() {
        let defaults = ConsumerConfiguration()
        #expect(ConsumerSettings.group.defaultDescription == defaults.group)
        #expect(ConsumerSettings.adminListen.defaultDescription == "\(defaults.adminListen)")
        #expect(ConsumerSettings.reorderWindow.defaultDescription == DurationFormat.format(defaults.service.reorder.window))
        #expect(ConsumerSettings.stallTimeout.defaultDescription == DurationFormat.format(defaults.service.stallTimeout))
        #expect(ConsumerSettings.maxBatchSize.defaultDescription == "\(defaults.service.maxBatchSize)")
    }
}
