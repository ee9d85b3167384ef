import Consumer
import Operations
import StatusRelayCore
import Testing

/// Issue 18: `statusrelay replay` resolves its settings through the services' resolver, and what it
/// shares with the live consumer is the consumer's setting (same flag, env var, YAML key, default).
@Suite("Replay settings")
struct ReplaySettingsTests {
    @Test("Flags, env and the YAML file resolve like the consumer's, with the consumer's defaults")
    func resolvesLikeTheConsumer() throws {
        var resolver = ConfigurationResolver(
            layers: ConfigurationLayers(
                flags: ["from": .scalar("earliest"), "sink": .list(["jsonl:/tmp/replay.jsonl"])],
                environment: [
                    "STATUSRELAY_REORDER_WINDOW": "7s", "STATUSRELAY_TOPIC": "events", "STATUSRELAY_DEAD_LETTER_TOPIC": "events.dead",
                    // The live consumer's sinks never become a replay's.
                    "STATUSRELAY_SINKS": "sqlite:/live.sqlite",
                ],
                file: ["max-buffered-events": .scalar("777"), "max-event-time-ahead": .scalar("10m"), "group": .scalar("live")]
            )
        )
        let configuration = try ReplayConfiguration(resolving: &resolver, dryRun: false, showProgress: false)
        #expect(configuration.reorder.window == .seconds(7))
        #expect(configuration.reorder.maxBufferedEvents == 777)
        #expect(configuration.reorder.maxEventTimeAhead == .seconds(600))
        #expect(configuration.topic == "events")
        #expect(configuration.deadLetterTopic == "events.dead")
        #expect(configuration.sinks == ["jsonl:/tmp/replay.jsonl"])
        #expect(configuration.bootstrapServers == ConsumerSettings.brokers.defaultValue)
        #expect(configuration.reorder.stateRetention == ConsumerSettings.stateRetention.defaultValue)
    }

    @Test("A bad position or no sink names the setting")
    func errorsNameTheSetting() {
        var noSink = ConfigurationResolver(layers: ConfigurationLayers(flags: ["from": .scalar("earliest")]))
        #expect(throws: ConfigurationError.self) { try ReplayConfiguration(resolving: &noSink, dryRun: false, showProgress: false) }
        var badTo = ConfigurationResolver(
            layers: ConfigurationLayers(flags: ["from": .scalar("earliest"), "to": .scalar("tuesday"), "sink": .list(["stdout"])])
        )
        do {
            _ = try ReplayConfiguration(resolving: &badTo, dryRun: false, showProgress: false)
            Issue.record("accepted --to tuesday")
        } catch {
            #expect(error.setting == "to")
            #expect(error.message.contains("tuesday"))
        }
    }
}
