package import Kafka
package import Logging
import StatusEvents
import StatusRelayCore

/// Fills a topic with realistic status events for the consumer benchmark: `messages` messages times
/// `statuses.count` lifecycle statuses, each message's statuses arriving shuffled within `spread`
/// (less than the consumer's reorder window), so the consumer has real reordering to do.
/// Events are normalized and encoded exactly as the ingress does (same JSON, key and CloudEvents headers).
package struct TopicPrefill: Sendable {
    package struct Configuration: Sendable {
        package var bootstrapServers: [String]
        package var topic: String
        /// Partitions when the topic is created. Default 4.
        package var partitions: Int32 = 4
        package var messages: Int = 200_000
        package var statuses: [String] = ["queued", "sending", "sent", "delivered", "read"]
        /// Virtual arrival rate (events per second of event time). Default 20,000.
        package var eventsPerSecond: Int = 20_000
        /// Max distance in event time between a message's first and last status. Default 2 s.
        package var spread: Duration = .seconds(2)
        package var seed: UInt64 = 1
        /// Event time of the first event (ms since epoch). Default: now minus the span of the data.
        package var startMs: Int64?
        /// Records in flight at once.
        package var inFlight: Int = 20_000
        /// Batch compression of the produced records. Default lz4, as the ingress produces them
        /// (its `--kafka-compression` default).
        package var compression = KafkaSettings.defaultCompression

        package init(bootstrapServers: [String], topic: String) {
            self.bootstrapServers = bootstrapServers
            self.topic = topic
        }
    }

    package struct Report: Sendable, Codable {
        package var events: Int
        package var seconds: Double
        package var outOfOrderPairs: Int
    }

    package var configuration: Configuration
    package var logger: Logger

    package init(configuration: Configuration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
    }

    struct Planned {
        var message: Int32
        var status: Int8
        var atMs: Int64
    }

    /// The arrival plan: sorted by arrival time; status order within a message shuffled.
    func plan() -> [Planned] {
        var rng = SplitMix64(seed: configuration.seed)
        let c = configuration
        let total = c.messages * c.statuses.count
        let spanMs = Int64(total) * 1000 / Int64(max(1, c.eventsPerSecond))
        let startMs = c.startMs ?? (UTCTimeNow.milliseconds() - spanMs - 60_000)
        let spreadMs = max(1, Int64(c.spread.seconds * 1000))
        var planned: [Planned] = []
        planned.reserveCapacity(total)
        for message in 0..<c.messages {
            let base = startMs + Int64(message) * spanMs / Int64(max(1, c.messages))
            var offsets = (0..<c.statuses.count).map { _ in Int64(rng.next() % UInt64(spreadMs)) }
            offsets.sort()
            // Statuses get the sorted arrival slots in a random order: the consumer must reorder.
            var order = Array(0..<c.statuses.count)
            for i in stride(from: order.count - 1, to: 0, by: -1) {
                order.swapAt(i, Int(rng.next() % UInt64(i + 1)))
            }
            for (slot, status) in order.enumerated() {
                planned.append(Planned(message: Int32(message), status: Int8(status), atMs: base + offsets[slot]))
            }
        }
        planned.sort { $0.atMs < $1.atMs }
        return planned
    }

    static func messageSid(_ index: Int32, seed: UInt64) -> String {
        var rng = SplitMix64(seed: seed &* 1_000_003 &+ UInt64(index))
        return "SM" + hex(rng.next()) + hex(rng.next())
    }

    static func hex(_ value: UInt64) -> String {
        let text = String(value, radix: 16)
        return String(repeating: "0", count: 16 - text.count) + text
    }

    /// Creates the topic and produces every planned event; `progress` gets the count sent so far.
    package func run(progress: @Sendable (Int) -> Void = { _ in }) async throws -> Report {
        let c = configuration
        let admin = try KafkaAdminClient(bootstrapServers: c.bootstrapServers, additional: [:], logger: logger)
        try await admin.createTopic(c.topic, partitions: c.partitions)
        let producer = try KafkaProducer(
            configuration: KafkaProducerConfiguration(
                bootstrapServers: c.bootstrapServers, clientID: "statusrelay-bench-prefill",
                deliveryTimeout: .seconds(120), linger: .milliseconds(20), compression: c.compression,
                additional: ["queue.buffering.max.messages": "1000000", "batch.num.messages": "10000"]
            ),
            logger: logger
        )
        let planned = plan()
        let normalizer = StatusCallbackNormalizer(nodeId: "bench-prefill")
        let account = "AC" + Self.hex(c.seed &* 31) + Self.hex(c.seed &* 37)
        let clock = ContinuousClock()
        let started = clock.now
        var outOfOrder = 0
        var lastRank: [Int32: Int8] = [:]
        try await withThrowingTaskGroup(of: Void.self) { group in
            var running = 0
            for (index, event) in planned.enumerated() {
                if let last = lastRank[event.message], last > event.status { outOfOrder += 1 }
                lastRank[event.message] = max(lastRank[event.message] ?? -1, event.status)
                let sid = Self.messageSid(event.message, seed: c.seed)
                let status = c.statuses[Int(event.status)]
                let parameters = FormParameters([
                    ("ApiVersion", "2010-04-01"), ("AccountSid", account), ("MessageSid", sid),
                    ("MessageStatus", status), ("SmsSid", sid), ("SmsStatus", status),
                    ("From", "+15017122661"), ("To", "+1555\(1_000_000 + Int(event.message) % 9_000_000)"),
                    ("MessagingServiceSid", "MG" + Self.hex(c.seed) + Self.hex(c.seed &+ 1)),
                ])
                let statusEvent = try normalizer.normalize(parameters, receivedAt: event.atMs)
                let message = KafkaProducerMessage(
                    topic: c.topic,
                    key: Array(sid.utf8),
                    value: StatusEventCodec.encode(statusEvent),
                    headers: CloudEventHeaders.headers(for: statusEvent).map {
                        KafkaHeader(key: $0.key, value: Array($0.value.utf8))
                    },
                    partition: nil
                )
                if running >= c.inFlight {
                    try await group.next()
                    running -= 1
                }
                group.addTask { _ = try await producer.send(message) }
                running += 1
                if index % 50_000 == 0 { progress(index) }
            }
            try await group.waitForAll()
        }
        progress(planned.count)
        await producer.shutdown()
        let elapsed = clock.now - started
        return Report(events: planned.count, seconds: elapsed.seconds, outOfOrderPairs: outOfOrder)
    }
}
