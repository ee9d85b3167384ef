import Foundation
import Kafka
import Logging
@testable import Operations
import StatusEvents
import TestSupport

/// Helpers of the reconciliation end-to-end tests: sinks, callbacks, the reconcile binary.
enum ReconcileE2E {
    enum Backend: String, CaseIterable, Sendable { case sqlite, postgres }

    static func sinkURL(_ backend: Backend, directory: String) throws -> String {
        switch backend {
        case .sqlite: "sqlite:" + (directory as NSString).appendingPathComponent("sink.db")
        case .postgres: try ReportTestData.postgresURL()
        }
    }

    static func now() -> Int64 { Int64(Date().timeIntervalSince1970 * 1000) }

    static func sid(_ prefix: String, _ index: Int) -> String {
        let hex = String(format: "%08x", index)
        return "SM" + prefix + String(repeating: "0", count: 32 - prefix.count - hex.count) + hex
    }

    /// A status callback event as the ingress makes it, with an event time in the past.
    static func callback(sid: String, status: String, at time: Int64, account: String = TwilioStandIn.account) throws -> StatusEvent {
        try StatusCallbackNormalizer().normalize(
            FormParameters([("MessageSid", sid), ("AccountSid", account), ("MessageStatus", status), ("To", "+15558675310")]),
            receivedAt: time
        )
    }

    /// Produces events to the raw topic as the ingress does (key, value, CloudEvents headers).
    static func produce(_ events: [StatusEvent], topic: String) async throws {
        let producer = try ConsumerE2E.producer()
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await producer.run() }
            try await KafkaReconcilePublisher(producer: producer, topic: topic).publish(events)
            group.cancelAll()
        }
    }

    struct Row: Hashable {
        var sequence: Int
        var status: String
        var late: Bool
        var source: String
    }

    /// History (by message, in sequence order, with each row's event source) and current status.
    static func read(_ sink: String) async throws -> (history: [String: [Row]], current: [String: String]) {
        let session = try await DeliveryReportGenerator.openSession(sink: sink, logger: Logger(label: "test"))
        defer { Task { await session.close() } }
        var history: [String: [Row]] = [:]
        let rows = try await session.query(
            "SELECT message_sid, sequence, status, CASE WHEN late THEN 1 ELSE 0 END, payload FROM message_status_events ORDER BY message_sid, sequence"
        )
        for row in rows {
            let payload = try JSONSerialization.jsonObject(with: Data((row[4].string ?? "{}").utf8)) as? [String: Any]
            history[row[0].string ?? "", default: []].append(
                Row(sequence: Int(row[1].intValue), status: row[2].string ?? "", late: row[3].intValue != 0, source: payload?["source"] as? String ?? "")
            )
        }
        var current: [String: String] = [:]
        for row in try await session.query("SELECT message_sid, status FROM message_status") {
            current[row[0].string ?? ""] = row[1].string
        }
        return (history, current)
    }

    /// `message_status.reconciled_status` by message (schema v3), where set.
    static func reconciled(_ sink: String) async throws -> [String: String] {
        let session = try await DeliveryReportGenerator.openSession(sink: sink, logger: Logger(label: "test"))
        defer { Task { await session.close() } }
        var result: [String: String] = [:]
        for row in try await session.query("SELECT message_sid, reconciled_status FROM message_status WHERE reconciled_status IS NOT NULL") {
            result[row[0].string ?? ""] = row[1].string
        }
        return result
    }

    /// Runs `statusrelay <arguments>` to its end (any subcommand); returns exit status and output.
    static func statusrelay(_ arguments: [String], directory: String) async throws -> (status: ChildProcess.Termination, output: String) {
        let process = try ChildProcess(
            try ConsumerE2E.binary("statusrelay"), arguments: arguments,
            outputPath: (directory as NSString).appendingPathComponent("\(arguments.first ?? "run")-\(UUID().uuidString.prefix(8)).log")
        )
        let status = try await process.waitForExit(timeout: .seconds(120))
        return (status, process.output())
    }

    /// Runs `statusrelay reconcile` to its end; returns exit status and output.
    static func reconcile(
        _ arguments: [String], environment: [String: String], directory: String, timeout: Duration = .seconds(120)
    ) async throws -> (status: ChildProcess.Termination, output: String) {
        let process = try ChildProcess(
            try ConsumerE2E.binary("statusrelay"), arguments: ["reconcile"] + arguments, environment: environment,
            outputPath: (directory as NSString).appendingPathComponent("reconcile-\(UUID().uuidString.prefix(8)).log")
        )
        let status = try await process.waitForExit(timeout: timeout)
        return (status, process.output())
    }

    /// The JSON summary, the last line of `--json` output that parses.
    static func summary(_ output: String) throws -> [String: Any] {
        for line in output.split(separator: "\n").reversed() where line.hasPrefix("{") {
            if let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] { return object }
        }
        throw TestEnvironmentError("no JSON summary in: \(output.suffix(3000))")
    }

    static func transitions(_ summary: [String: Any]) -> [String: Int] {
        var result: [String: Int] = [:]
        for item in summary["changedByTransition"] as? [[String: Any]] ?? [] {
            result["\(item["from"] as? String ?? "none")→\(item["to"] as? String ?? "")"] = item["count"] as? Int
        }
        return result
    }
}
