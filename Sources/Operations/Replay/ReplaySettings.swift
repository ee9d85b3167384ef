import Consumer
package import StatusRelayCore

/// Every `statusrelay replay` setting: flag `--<name>`, env var, YAML key `<name>`, default, resolved
/// like the services' (flags > env > file > defaults). What the replay shares with the live consumer
/// (brokers, topic, the reorder settings, the dead-letter topic, librdkafka properties) is the
/// consumer's own setting, so one configuration file or environment reorders a replay exactly as live.
package enum ReplaySettings {
    package static let brokers = ConsumerSettings.brokers
    package static let topic = ConsumerSettings.topic
    package static let reorderWindow = ConsumerSettings.reorderWindow
    package static let maxBufferedEvents = ConsumerSettings.maxBufferedEvents
    package static let stateRetention = ConsumerSettings.stateRetention
    package static let maxEventTimeAhead = ConsumerSettings.maxEventTimeAhead
    package static let deadLetterTopic = ConsumerSettings.deadLetterTopic
    package static let kafkaConfig = ConsumerSettings.kafkaConfig
    /// No env var and no default: a replay writes where its command line says, never to a sink an
    /// environment meant for the live consumer names.
    package static let sink = Setting<[String]>.urlList(
        "sink", env: nil, default: nil,
        "Sink URL (repeatable): sqlite:PATH, postgres://..., kafka:TOPIC, jsonl:PATH, http(s)://..., stdout.")
    package static let from = Setting<String>.string(
        "from", env: nil, default: nil, "Start: ISO-8601 time, earliest, or PARTITION:OFFSET[,...].")
    package static let to = Setting<String>.string(
        "to", env: nil, default: nil,
        "End (exclusive): ISO-8601 time, latest, or PARTITION:OFFSET[,...] (default: the partitions' ends at start).")
}
