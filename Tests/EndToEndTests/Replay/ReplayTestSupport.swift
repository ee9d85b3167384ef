import Consumer
import Foundation
import GRDB
import Kafka
import Logging
import Operations
import StatusEvents
import TestSupport

/// Helpers for the replay tests: producing raw records as the ingress does, and reading sink tables.
enum ReplayTestSupport {
    /// Events of `messages` fixture messages (lifecycles with errors, late and repeated callbacks),
    /// in an arrival order shuffled within `shuffle` positions per partition.
    static func events(messages: Int, start: Int64, seed: UInt64) -> [StatusEvent] {
        let fixture = ReportFixture(messages: messages, start: start, spanMilliseconds: Int64(messages) * 200, seed: seed)
        var offset: Int64 = 0
        var events: [StatusEvent] = []
        for index in 0..<messages {
            events += fixture.events(ofMessage: index, offset: &offset).map(\.event)
        }
        // Arrival order: by event time, with neighbours swapped (out of order within a second).
        events.sort { ($0.receivedAt, $0.id) < ($1.receivedAt, $1.id) }
        for index in stride(from: 1, to: events.count, by: 3) {
            events.swapAt(index - 1, index)
        }
        return events
    }

    /// Produces `events` to `topic` keyed by MessageSid with the CloudEvents headers (as the ingress).
    static func produce(_ events: [StatusEvent], to topic: String) async throws {
        let producer = try KafkaProducer(configuration: try TestKafka.producerConfiguration(), logger: TestKafka.logger())
        let running = Task { try await producer.run() }
        defer { running.cancel() }
        try await withThrowingTaskGroup(of: Void.self) { group in
            var inFlight = 0
            for event in events {
                if inFlight >= 500 {
                    try await group.next()
                    inFlight -= 1
                }
                let message = KafkaProducerMessage(
                    topic: topic, key: Array(event.messageSid.utf8), value: StatusEventCodec.encode(event),
                    headers: CloudEventHeaders.headers(for: event).map { KafkaHeader(key: $0.key, value: Array($0.value.utf8)) },
                    partition: nil
                )
                group.addTask { _ = try await producer.send(message) }
                inFlight += 1
            }
            try await group.waitForAll()
        }
        _ = await producer.flush(timeout: .seconds(10))
    }

    /// Every row of both sink tables, as text lines sorted by key (for exact comparisons).
    static func snapshot(sqlite path: String) throws -> (history: [String], state: [String]) {
        let queue = try DatabaseQueue(path: path)
        defer { try? queue.close() }
        return try queue.read { db in
            let history = try Row.fetchAll(
                db,
                sql: """
                    SELECT event_id, message_sid, sequence, status, status_rank, error_code, event_type, late,
                      received_at, raw_dlr_done_date, topic, "partition", "offset", payload
                    FROM message_status_events ORDER BY event_id
                    """
            ).map { $0.description }
            let state = try Row.fetchAll(db, sql: "SELECT * FROM message_status ORDER BY message_sid").map { $0.description }
            return (history, state)
        }
    }

    static func sqlitePath(_ name: String) throws -> String {
        (try TestEnvironment.makeTemporaryDirectory("replay") as NSString).appendingPathComponent(name)
    }

    static func configuration(topic: String, from: ReplayPosition, to: ReplayPosition? = nil, sinks: [String], dryRun: Bool = false)
        throws -> ReplayConfiguration
    {
        ReplayConfiguration(
            bootstrapServers: try TestEnvironment.bootstrapServers, topic: topic, from: from, to: to, sinks: sinks,
            dryRun: dryRun, idleTimeout: .seconds(15), showProgress: false
        )
    }

    static func replay(_ configuration: ReplayConfiguration) async throws -> ReplayResult {
        try await Replayer(configuration: configuration, logger: TestKafka.logger("test.replay")).run()
    }
}
