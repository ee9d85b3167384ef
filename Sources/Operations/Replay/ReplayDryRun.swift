package import Consumer
package import StatusEvents

/// Collects released events of a dry run and works out, against a sink's current rows, which
/// messages would change, as the sinks decide it: a history row is added when its event id is new;
/// the current status follows `CurrentStatusRule`. Pure; the lookups are passed in.
package struct ReplayDryRun: Sendable {
    struct Entry: Sendable {
        var eventID: String
        var status: String
        var key: CurrentStatusRule.Key
    }

    private(set) var messages: [String: [Entry]] = [:]

    package init() {}

    package mutating func add(_ batch: [ReleasedEvent]) {
        // A confirmation adds no history row and moves no status.
        for released in batch where !released.isConfirmation {
            let event = released.event
            messages[event.messageSid, default: []].append(
                Entry(eventID: event.id, status: event.status, key: CurrentStatusRule.key(of: event))
            )
        }
    }

    package var messageSids: [String] { messages.keys.sorted() }
    package var eventIDs: [String] { messages.values.flatMap { $0.map(\.eventID) } }

    /// - Parameters:
    ///   - existingEventIDs: those of ``eventIDs`` the sink already has.
    ///   - current: current status and its key under the rule per message the sink has.
    package func summarize(
        existingEventIDs: Set<String>, current: [String: (status: String, key: CurrentStatusRule.Key)], sampleSize: Int,
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
                if CurrentStatusRule.replaces(state?.key, with: entry.key) {
                    state = (entry.status, entry.key)
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
}
