public import Consumer
import StatusEvents

/// Collects released events of a dry run and works out, against a sink's current rows, which
/// messages would change. Mirrors the sinks' rules: a history row is added when its event id is
/// new; the current status moves only to a strictly higher rank (an unranked status only replaces
/// an unranked one). Pure; the lookups are passed in.
public struct ReplayDryRun: Sendable {
    struct Entry: Sendable {
        var eventID: String
        var status: String
        var rank: Int?
    }

    private(set) var messages: [String: [Entry]] = [:]

    public init() {}

    public mutating func add(_ batch: [ReleasedEvent]) {
        // A confirmation adds no history row and moves no status.
        for released in batch where !released.isConfirmation {
            let event = released.event
            messages[event.messageSid, default: []].append(
                Entry(eventID: event.id, status: event.status, rank: event.statusRank ?? MessageLifecycle.rank(of: event.status))
            )
        }
    }

    public var messageSids: [String] { messages.keys.sorted() }
    public var eventIDs: [String] { messages.values.flatMap { $0.map(\.eventID) } }

    /// - Parameters:
    ///   - existingEventIDs: those of ``eventIDs`` the sink already has.
    ///   - current: current status and rank per message the sink has.
    public func summarize(
        existingEventIDs: Set<String>, current: [String: (status: String, rank: Int?)], sampleSize: Int,
        comparedWith: String?
    ) -> ReplayDryRunSummary {
        var summary = ReplayDryRunSummary()
        summary.comparedWith = comparedWith
        summary.messages = messages.count
        var changes: [ReplayDryRunSummary.Change] = []
        for (sid, entries) in messages {
            var state = current[sid]
            var newEvents = 0
            var seen: Set<String> = []
            for entry in entries where !existingEventIDs.contains(entry.eventID) && seen.insert(entry.eventID).inserted {
                newEvents += 1
                if state == nil || Self.advances(from: state!.rank, to: entry.rank) {
                    state = (entry.status, entry.rank)
                }
            }
            summary.newEvents += newEvents
            guard newEvents > 0, let state else { continue }
            if current[sid]?.status != state.status {
                summary.messagesChangingState += 1
                changes.append(.init(messageSid: sid, currentStatus: current[sid]?.status, newStatus: state.status, newEvents: newEvents))
            } else {
                summary.messagesGainingHistoryOnly += 1
            }
        }
        summary.sample = Array(changes.sorted { $0.messageSid < $1.messageSid }.prefix(sampleSize))
        return summary
    }

    /// The sinks' guard (``MessageStatusUpdate`` in the Consumer module).
    static func advances(from current: Int?, to new: Int?) -> Bool {
        switch (current, new) {
        case (nil, _): true
        case (.some, nil): false
        case (.some(let current), .some(let new)): new > current
        }
    }
}
