import Foundation
import StatusEvents
import TestSupport

/// Random per-message lifecycles for pipeline tests, in a shuffled "arrival" order.
struct Lifecycles {
    static let paths: [[String]] = [
        ["queued", "sent", "delivered"],
        ["accepted", "queued", "sending", "sent", "delivered", "read"],
        ["queued", "sent", "undelivered"],
        ["queued", "failed"],
        ["queued", "sending", "sent", "partially_delivered", "delivered"],
    ]

    /// Every event in arrival order (duplicates included).
    var arrivals: [StatusEvent] = []
    /// Per message, event ids in lifecycle order.
    var expected: [String: [String]] = [:]

    /// `messages` lifecycles whose events are shuffled within `shuffle` ms of event time (keep it below
    /// the reorder window), plus `duplicates` repeats of random events.
    init(messages: Int, duplicates: Int, shuffle: Int64, seed: UInt64, prefix: String = "SM") {
        var rng = SeededGenerator(seed: seed)
        let base = Int64(Date().timeIntervalSince1970 * 1000)
        var timed: [(arrival: Int64, event: StatusEvent)] = []
        let run = UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(10).lowercased()
        for index in 0..<messages {
            let sid = "\(prefix)\(run)\(String(format: "%08d", index))"
            let path = Self.paths.randomElement(using: &rng)!
            var time = base + Int64.random(in: 0..<500, using: &rng)
            var ids: [String] = []
            for status in path {
                time += Int64.random(in: 1..<(shuffle / 2 + 2), using: &rng)
                let event = TestEvents.make(sid: sid, status: status, at: time, id: "ev-\(sid)-\(status)")
                ids.append(event.id)
                timed.append((time + Int64.random(in: 0..<max(1, shuffle), using: &rng), event))
            }
            expected[sid] = ids
        }
        for _ in 0..<duplicates {
            let copy = timed.randomElement(using: &rng)!
            timed.append((copy.arrival + Int64.random(in: 0..<max(1, shuffle), using: &rng), copy.event))
        }
        timed.sort { ($0.arrival, $0.event.id) < ($1.arrival, $1.event.id) }
        arrivals = timed.map(\.event)
    }

    var eventCount: Int { expected.values.reduce(0) { $0 + $1.count } }
}

/// One released record as read back from a JSONL sink.
struct ReleasedRecord: Decodable, Hashable {
    var id: String
    var messageSid: String
    var status: String
    var sequence: Int
    var late: Bool

    static func read(jsonl path: String) throws -> [ReleasedRecord] {
        guard FileManager.default.fileExists(atPath: path) else { return [] }
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let decoder = JSONDecoder()
        // Only complete lines: a writer may be mid-line.
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        if !text.hasSuffix("\n") { lines.removeLast() }
        return try lines.filter { !$0.isEmpty }.map { try decoder.decode(ReleasedRecord.self, from: Data($0.utf8)) }
    }
}

/// Checks released records against the expected lifecycles: every event exactly once, in lifecycle
/// order, sequences 1...n, nothing late. Returns problems (empty when exact).
func exactContentsProblems(_ records: [ReleasedRecord], expected: [String: [String]]) -> [String] {
    var problems: [String] = []
    var byMessage: [String: [ReleasedRecord]] = [:]
    for record in records { byMessage[record.messageSid, default: []].append(record) }
    for (sid, ids) in expected {
        let got = (byMessage[sid] ?? []).sorted { $0.sequence < $1.sequence }
        if got.map(\.id) != ids { problems.append("\(sid): got \(got.map(\.status)) expected \(ids)") }
        if got.map(\.sequence) != Array(1...ids.count) { problems.append("\(sid): sequences \(got.map(\.sequence))") }
        if got.contains(where: \.late) { problems.append("\(sid): late events \(got.filter(\.late).map(\.status))") }
    }
    let unexpected = Set(byMessage.keys).subtracting(expected.keys)
    if !unexpected.isEmpty { problems.append("unexpected messages \(unexpected.sorted().prefix(5))") }
    return problems
}
