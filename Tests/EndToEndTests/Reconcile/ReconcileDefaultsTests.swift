import Kafka
import StatusRelayCore
import Testing

@testable import Operations

/// Each `statusrelay reconcile` default is written once, in the configuration types.
@Suite struct ReconcileDefaultsTests {
    @Test func nothingSetResolvesToTheConfigurationsDefaults() throws {
        var resolver = ConfigurationResolver(
            layers: .init(environment: [
                "TWILIO_ACCOUNT_SID": "AC" + String(repeating: "0", count: 32), "TWILIO_AUTH_TOKEN": "token",
                "STATUSRELAY_RECONCILE_SINK": "sqlite:/tmp/none.sqlite",
            ])
        )
        let resolved = try ReconcileCommandConfiguration(resolving: &resolver, discovery: nil, dryRun: false)
        let pass = ReconcileConfiguration(sink: nil, accounts: [])
        let api = TwilioAPIClient.Configuration()
        #expect(resolved.reconcile.staleAfter == pass.staleAfter)
        #expect(resolved.reconcile.maxAge == pass.maxAge)
        #expect(resolved.reconcile.concurrency == pass.concurrency)
        #expect(resolved.reconcile.pageSize == pass.pageSize)
        #expect(resolved.api.baseURL == api.baseURL)
        #expect(resolved.api.requestTimeout == api.requestTimeout)
        #expect(resolved.api.retry.maxAttempts == api.retry.maxAttempts)
        #expect(resolved.topic == KafkaSettings.defaultTopic)
        #expect(ReconcileSettings.kafkaCompression.defaultValue == KafkaSettings.defaultCompression)
        #expect(TopicPrefill.Configuration(bootstrapServers: [], topic: "t").compression == KafkaSettings.defaultCompression)
    }
}
