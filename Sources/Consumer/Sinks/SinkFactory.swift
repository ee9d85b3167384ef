import Kafka
package import Logging

/// Makes sinks from the URLs given with `--sink` (repeatable):
///
/// | URL                         | sink                  |
/// |-----------------------------|-----------------------|
/// | `sqlite:PATH`               | ``SQLiteSink``        |
/// | `postgres://user@host/db`   | ``PostgresSink``      |
/// | `http://…`, `https://…`     | ``HTTPForwardSink``   |
/// | `kafka:TOPIC`               | ``KafkaSink``         |
/// | `jsonl:PATH`                | ``JSONLinesSink``     |
/// | `stdout`                    | ``StdoutSink``        |
///
/// Every sink it returns records the `statusrelay_sink_*` metrics labelled with its name.
/// The caller starts (`start()`), writes to and shuts down the sinks.
package enum SinkFactory {
    package static func makeSink(url: String, configuration: Configuration, logger: Logger) throws -> any EventSink {
        try InstrumentedSink(makeUninstrumentedSink(url: url, configuration: configuration, logger: logger))
    }

    static func makeUninstrumentedSink(url: String, configuration: Configuration, logger: Logger) throws(SinkError)
        -> any EventSink
    {
        let trimmed = url.trimmingCharacters(in: .whitespaces)
        let lowered = trimmed.lowercased()
        if lowered == "stdout" || lowered == "stdout:" || lowered == "-" {
            return StdoutSink(logger: logger)
        }
        if lowered.hasPrefix("sqlite:") {
            return SQLiteSink(
                path: try path(of: trimmed, scheme: "sqlite"), configuration: configuration.sqlite, logger: logger
            )
        }
        if lowered.hasPrefix("jsonl:") {
            return JSONLinesSink(
                path: try path(of: trimmed, scheme: "jsonl"), configuration: configuration.jsonl, logger: logger
            )
        }
        if lowered.hasPrefix("postgres://") || lowered.hasPrefix("postgresql://") {
            return try PostgresSink(url: trimmed, configuration: configuration.postgres, logger: logger)
        }
        if lowered.hasPrefix("http://") || lowered.hasPrefix("https://") {
            guard let producer = configuration.kafkaProducer else {
                throw SinkError(
                    code: .invalidConfiguration, sink: "http",
                    message: "HTTP forwarding needs a Kafka producer for its dead-letter topic"
                )
            }
            return try HTTPForwardSink(
                url: trimmed, configuration: configuration.http, deadLetterProducer: producer,
                admin: configuration.kafkaAdmin, logger: logger
            )
        }
        if lowered.hasPrefix("kafka:") {
            let topic = try kafkaTopic(of: trimmed)
            guard let producer = configuration.kafkaProducer else {
                throw SinkError(code: .invalidConfiguration, sink: "kafka", message: "the Kafka sink needs a Kafka producer")
            }
            return KafkaSink(
                topic: topic, producer: producer, admin: configuration.kafkaAdmin, configuration: configuration.kafka,
                logger: logger
            )
        }
        throw SinkError(
            code: .invalidURL, sink: "unknown",
            message: "unknown sink URL scheme (expected sqlite:PATH, postgres://…, http(s)://…, kafka:TOPIC, jsonl:PATH or stdout)"
        )
    }

    /// Checks `url` as ``makeSink(url:configuration:logger:)`` reads it, without creating anything
    /// (`--check-config`, and before start so that a bad URL fails as configuration).
    package static func validate(url: String) throws(SinkError) {
        let trimmed = url.trimmingCharacters(in: .whitespaces)
        let lowered = trimmed.lowercased()
        if lowered == "stdout" || lowered == "stdout:" || lowered == "-" { return }
        for scheme in ["sqlite", "jsonl"] where lowered.hasPrefix("\(scheme):") {
            _ = try path(of: trimmed, scheme: scheme)
            return
        }
        if lowered.hasPrefix("postgres://") || lowered.hasPrefix("postgresql://") {
            _ = try PostgresURL(sinkURL: trimmed)
        } else if lowered.hasPrefix("http://") || lowered.hasPrefix("https://") {
            try HTTPForwardSink.check(url: trimmed)
        } else if lowered.hasPrefix("kafka:") {
            _ = try kafkaTopic(of: trimmed)
        } else {
            throw SinkError(
                code: .invalidURL, sink: "unknown",
                message: "unknown sink URL scheme (expected sqlite:PATH, postgres://…, http(s)://…, kafka:TOPIC, jsonl:PATH or stdout)"
            )
        }
    }

    /// Whether `url` names an HTTP forwarding sink (which needs an auth token to re-sign).
    package static func isHTTP(_ url: String) -> Bool {
        let lowered = url.trimmingCharacters(in: .whitespaces).lowercased()
        return lowered.hasPrefix("http://") || lowered.hasPrefix("https://")
    }

    private static func kafkaTopic(of url: String) throws(SinkError) -> String {
        let topic = try path(of: url, scheme: "kafka")
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-")
        guard topic.count <= 249, topic.allSatisfy(allowed.contains), topic != ".", topic != ".." else {
            throw SinkError(code: .invalidURL, sink: "kafka", message: "invalid topic name \"\(topic)\"")
        }
        return topic
    }

    /// `scheme:PATH` or `scheme://PATH` -> `PATH`.
    private static func path(of url: String, scheme: String) throws(SinkError) -> String {
        var rest = String(url.dropFirst(scheme.count + 1))
        if rest.hasPrefix("//") { rest.removeFirst(2) }
        guard !rest.isEmpty else {
            throw SinkError(code: .invalidURL, sink: scheme, message: "\(scheme): needs a \(scheme == "kafka" ? "topic" : "path")")
        }
        return rest
    }
}
