import Foundation
import GRDB
import Kafka
import Logging
import StatusEvents
import TestSupport

/// Helpers for the consumer's end-to-end tests: launching the built binaries, producing lifecycles,
/// and reading the sinks back.
enum ConsumerE2E {
    static func binary(_ name: String) throws -> String {
        (try TestEnvironment.binDir as NSString).appendingPathComponent(name)
    }

    /// Launches `statusrelay-ingress` on `port` against the shared test broker (public URL
    /// `http://127.0.0.1:<port>`, spool in `directory`) and waits until it listens.
    static func launchIngress(topic: String, port: Int, token: String, directory: String) async throws -> ChildProcess {
        let ingress = try ChildProcess(
            try binary("statusrelay-ingress"),
            arguments: [
                "--listen", "127.0.0.1:\(port)", "--brokers", try TestEnvironment.brokers, "--topic", topic,
                "--public-url", "http://127.0.0.1:\(port)", "--auth-token", token,
                "--spool-dir", (directory as NSString).appendingPathComponent("spool"),
            ],
            outputPath: (directory as NSString).appendingPathComponent("ingress.log")
        )
        do {
            try await eventually(timeout: .seconds(30), "ingress listening") {
                if let status = ingress.exitStatus { throw TestEnvironmentError("ingress exited \(status): \(ingress.output())") }
                return isListening(port: port)
            }
        } catch {
            ingress.kill()
            throw error
        }
        return ingress
    }

    /// Launches `statusrelay-consumer` against the shared test broker.
    static func launchConsumer(
        topic: String, group: String, sinks: [String], directory: String, name: String = "consumer",
        window: String = "3s", extra: [String] = []
    ) throws -> ChildProcess {
        var arguments = [
            "--brokers", try TestEnvironment.brokers, "--topic", topic, "--group", group,
            "--reorder-window", window, "--admin-listen", "127.0.0.1:0",
            "--kafka-config", "session.timeout.ms=6000", "--kafka-config", "max.poll.interval.ms=10000",
            "--kafka-config", "heartbeat.interval.ms=1000", "--log-level", "info",
        ]
        for sink in sinks { arguments += ["--sink", sink] }
        arguments += extra
        let log = (directory as NSString).appendingPathComponent("\(name)-\(UUID().uuidString.prefix(8)).log")
        return try ChildProcess(try binary("statusrelay-consumer"), arguments: arguments, outputPath: log)
    }

    /// Waits until the consumer owns partitions (it joined the group and restored state).
    static func waitUntilAssigned(_ consumer: ChildProcess) async throws {
        try await consumer.waitForOutput(containing: "partitions assigned partitions=", timeout: .seconds(90))
    }

    static func producer() throws -> KafkaProducer {
        try KafkaProducer(configuration: try TestKafka.producerConfiguration(), logger: TestKafka.logger())
    }

    /// Produces events concurrently (order within a message is restored by the consumer).
    static func produce(_ events: [StatusEvent], topic: String, with producer: KafkaProducer) async throws {
        for chunk in stride(from: 0, to: events.count, by: 500) {
            let slice = events[chunk..<min(chunk + 500, events.count)]
            try await withThrowingTaskGroup(of: Void.self) { group in
                for event in slice {
                    let message = KafkaProducerMessage(
                        topic: topic, key: Array(event.messageSid.utf8), value: StatusEventCodec.encode(event),
                        headers: [], partition: nil
                    )
                    group.addTask { _ = try await producer.send(message) }
                }
                try await group.waitForAll()
            }
        }
    }

    /// A wave of complete lifecycles with event times around now, shuffled by up to `shuffle` ms.
    static func wave(
        messages: Int, prefix: String, shuffle: Int64 = 1000, duplicates: Int = 0,
        using rng: inout some RandomNumberGenerator
    ) -> (events: [StatusEvent], expected: [String: [String]]) {
        let paths: [[String]] = [
            ["queued", "sent", "delivered"],
            ["accepted", "queued", "sending", "sent", "delivered", "read"],
            ["queued", "sent", "undelivered"],
            ["queued", "failed"],
            ["queued", "sending", "sent", "partially_delivered", "delivered"],
        ]
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        var timed: [(Int64, StatusEvent)] = []
        var expected: [String: [String]] = [:]
        for index in 0..<messages {
            let sid = "SM\(prefix)\(String(format: "%06d", index))"
            var time = now
            var ids: [String] = []
            for status in paths.randomElement(using: &rng)! {
                time += Int64.random(in: 1...max(2, shuffle / 4), using: &rng)
                let id = "ev-\(sid)-\(status)"
                let event = StatusEvent(
                    id: id, messageSid: sid, accountSid: "AC00000000000000000000000000000000", status: status,
                    statusRank: MessageLifecycle.rank(of: status), receivedAt: time,
                    params: ["MessageSid": .single(sid), "MessageStatus": .single(status)]
                )
                ids.append(id)
                timed.append((time + Int64.random(in: 0..<max(1, shuffle), using: &rng), event))
            }
            expected[sid] = ids
        }
        for _ in 0..<duplicates {
            let copy = timed.randomElement(using: &rng)!
            timed.append((copy.0 + Int64.random(in: 0..<max(1, shuffle), using: &rng), copy.1))
        }
        timed.sort { ($0.0, $0.1.id) < ($1.0, $1.1.id) }
        return (timed.map(\.1), expected)
    }

    struct HistoryRow: Hashable {
        var eventID: String
        var messageSid: String
        var sequence: Int
        var status: String
        var rank: Int?
        var late: Bool
    }

    /// The history and current-state tables of a SQLite sink (read-only; the consumer may still write).
    static func readSQLite(_ path: String) throws -> (history: [HistoryRow], current: [String: String]) {
        var configuration = Configuration()
        configuration.readonly = true
        configuration.busyMode = .timeout(10)
        let queue = try DatabaseQueue(path: path, configuration: configuration)
        return try queue.read { db in
            let history = try Row.fetchAll(
                db, sql: "SELECT event_id, message_sid, sequence, status, status_rank, late FROM message_status_events"
            ).map { row in
                HistoryRow(
                    eventID: row["event_id"], messageSid: row["message_sid"], sequence: row["sequence"],
                    status: row["status"], rank: row["status_rank"], late: row["late"]
                )
            }
            var current: [String: String] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT message_sid, status FROM message_status") {
                current[row["message_sid"]] = row["status"]
            }
            return (history, current)
        }
    }

    static func countSQLiteHistory(_ path: String) -> Int {
        guard FileManager.default.fileExists(atPath: path) else { return 0 }
        return (try? readSQLite(path).history.count) ?? 0
    }

    /// Problems with the SQLite contents against the expected lifecycles: every event exactly once, in
    /// lifecycle order, sequences 1...n, current status = the last of the lifecycle. Empty when exact.
    static func problems(history: [HistoryRow], current: [String: String], expected: [String: [String]], allowLate: Bool = false) -> [String] {
        var problems: [String] = []
        var byMessage: [String: [HistoryRow]] = [:]
        for row in history { byMessage[row.messageSid, default: []].append(row) }
        for (sid, ids) in expected.sorted(by: { $0.key < $1.key }) {
            let rows = (byMessage[sid] ?? []).sorted { $0.sequence < $1.sequence }
            if allowLate {
                if Set(rows.map(\.eventID)) != Set(ids) || rows.count != ids.count { problems.append("\(sid): events \(rows.map(\.status))") }
            } else if rows.map(\.eventID) != ids {
                problems.append("\(sid): history \(rows.map { "\($0.status)#\($0.sequence)" }) expected \(ids)")
            }
            if rows.map(\.sequence) != Array(1...ids.count) { problems.append("\(sid): sequences \(rows.map(\.sequence))") }
            if !allowLate, rows.contains(where: \.late) { problems.append("\(sid): late rows") }
            let last = ids.last.map { String($0.split(separator: "-").last!) }
            if current[sid] != last { problems.append("\(sid): current \(current[sid] ?? "nil") expected \(last ?? "nil")") }
            if problems.count > 20 { break }
        }
        let unexpected = Set(byMessage.keys).subtracting(expected.keys)
        if !unexpected.isEmpty { problems.append("unexpected messages: \(unexpected.sorted().prefix(5))") }
        return problems
    }

    /// Released records of a JSONL sink: (event id, sequence) per complete line.
    static func readJSONL(_ path: String) throws -> [(id: String, sid: String, sequence: Int, late: Bool)] {
        guard FileManager.default.fileExists(atPath: path) else { return [] }
        let text = try String(contentsOfFile: path, encoding: .utf8)
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        if !text.hasSuffix("\n"), !lines.isEmpty { lines.removeLast() }
        return try lines.filter { !$0.isEmpty }.map { line in
            guard let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                let id = object["id"] as? String, let sid = object["messageSid"] as? String,
                let sequence = object["sequence"] as? Int, let late = object["late"] as? Bool
            else { throw TestEnvironmentError("bad JSONL line: \(line.prefix(200))") }
            return (id, sid, sequence, late)
        }
    }
}
