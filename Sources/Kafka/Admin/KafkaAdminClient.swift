public import Logging

/// Topic administration and offset lookups. Every call blocks a dedicated thread, never the cooperative pool.
public final class KafkaAdminClient: Sendable {
    /// Per-request timeout. Default 30 s.
    public let timeout: Duration
    private let client: RDKafkaClient
    private let properties: [(String, String)]
    private let logger: Logger

    /// `additional` are raw librdkafka properties (e.g. security settings), applied last.
    public init(
        bootstrapServers: [String], additional: [String: String] = [:], timeout: Duration = .seconds(30),
        logger: Logger
    ) throws(KafkaError) {
        guard !bootstrapServers.isEmpty || additional["bootstrap.servers"] != nil else {
            throw .invalidConfiguration("bootstrapServers is empty")
        }
        self.timeout = timeout
        var properties: [(String, String)] = [
            ("bootstrap.servers", bootstrapServers.joined(separator: ",")),
            ("client.id", "statusrelay-admin"),
        ]
        properties += additional.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
        self.properties = properties
        self.logger = logger
        client = try RDKafkaClient(
            kind: .producer, properties: properties, context: RDKafkaCallbackContext(logger: logger), logger: logger
        )
    }

    /// Creates `name` unless it exists (then succeeds without changing it), and waits until its
    /// metadata is visible. `replicationFactor` -1 means the broker default.
    public func createTopic(
        _ name: String, partitions: Int32, replicationFactor: Int16 = -1, configs: [String: String] = [:]
    ) async throws(KafkaError) {
        let client = self.client
        let timeoutMs = timeout.kafkaMilliseconds
        try await RDKafkaBlocking.run { () throws(KafkaError) in
            try client.createTopic(
                name, partitions: partitions, replicationFactor: replicationFactor, configs: configs, timeoutMs: timeoutMs
            )
            client.poll(timeoutMs: 0)
        }
        // Brokers learn about a new topic asynchronously; callers expect to use it right away.
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: timeout)
        while true {
            do {
                if try await !self.partitions(of: name).isEmpty { return }
            } catch where error.code == .unknownTopicOrPartition && clock.now < deadline {
            }
            guard clock.now < deadline else {
                throw KafkaError(code: .timedOut, message: "topic \(name) created but not visible in metadata", isRetriable: true)
            }
            try? await Task.sleep(for: .milliseconds(100))
        }
    }

    /// The partition ids of `topic`, ascending. Throws ``KafkaError/Code/unknownTopicOrPartition`` if it does not exist.
    public func partitions(of topic: String) async throws(KafkaError) -> [Int32] {
        let client = self.client
        let timeoutMs = timeout.kafkaMilliseconds
        return try await RDKafkaBlocking.run { () throws(KafkaError) in
            defer { client.poll(timeoutMs: 0) }
            return try client.partitions(of: topic, timeoutMs: timeoutMs)
        }
    }

    /// The first available offset and the offset the next record will get (the high watermark).
    ///
    /// For a non-empty partition the high watermark is confirmed with one Fetch (a short-lived consumer):
    /// some brokers answer ListOffsets with the last batch's base offset + 1 (Tansu does), which would make
    /// "read up to the end" stop early.
    public func watermarks(topic: String, partition: Int32) async throws(KafkaError) -> (low: Int64, high: Int64) {
        let client = self.client
        let timeoutMs = timeout.kafkaMilliseconds
        let properties = self.properties
        let logger = self.logger
        let result = try await RDKafkaBlocking.run { () throws(KafkaError) -> Watermarks in
            defer { client.poll(timeoutMs: 0) }
            let (low, high) = try client.watermarks(topic: topic, partition: partition, timeoutMs: timeoutMs)
            guard high > low else { return Watermarks(low: low, high: high) }
            let fetched = try RDKafkaWatermarkProbe.highWatermark(
                topic: topic, partition: partition, from: high - 1, properties: properties, timeoutMs: timeoutMs,
                logger: logger
            )
            return Watermarks(low: low, high: max(high, fetched ?? high))
        }
        return (result.low, result.high)
    }

    /// The watermarks of every partition of `topic`.
    public func watermarks(topic: String) async throws(KafkaError) -> [Int32: (low: Int64, high: Int64)] {
        var result: [Int32: (low: Int64, high: Int64)] = [:]
        for partition in try await partitions(of: topic) {
            result[partition] = try await watermarks(topic: topic, partition: partition)
        }
        return result
    }

    /// Per partition of `topic`, the first offset whose record timestamp is >= `forTimestampMs`;
    /// -1 means no such record yet (start at the end).
    ///
    /// Treat the result as a lower bound and skip earlier records by their timestamp: some brokers answer
    /// imprecisely (Tansu answers 0 for every timestamp; librdkafka's mock cluster answers -1).
    public func offsets(forTimestampMs timestampMs: Int64, topic: String) async throws(KafkaError) -> [Int32: Int64] {
        let partitions = try await partitions(of: topic)
        let client = self.client
        let timeoutMs = timeout.kafkaMilliseconds
        return try await RDKafkaBlocking.run { () throws(KafkaError) in
            defer { client.poll(timeoutMs: 0) }
            return try client.offsets(forTimestampMs: timestampMs, topic: topic, partitions: partitions, timeoutMs: timeoutMs)
        }
    }

    private struct Watermarks: Sendable {
        var low: Int64
        var high: Int64
    }
}
