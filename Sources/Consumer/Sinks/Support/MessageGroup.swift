/// One message's events in a batch. The one way the sinks group a batch by MessageSid: messages
/// are independent (written or delivered concurrently), a message's own events stay in order.
struct MessageGroup: Sendable, Hashable {
    var messageSid: String
    /// Positions of the message's events in the batch, ascending.
    var indices: [Int]

    /// `batch` grouped by MessageSid, in order of each message's first event.
    static func groups(of batch: [ReleasedEvent]) -> [MessageGroup] {
        var groups: [MessageGroup] = []
        var slots = Slots(capacity: batch.count)
        for (index, released) in batch.enumerated() {
            let sid = released.summary.messageSid
            let slot = slots.slot(for: sid)
            if slot.isNew {
                groups.append(MessageGroup(messageSid: sid, indices: [index]))
            } else {
                groups[slot.index].indices.append(index)
            }
        }
        return groups
    }

    /// The grouping itself, one event at a time, for a sink that learns event by event which events
    /// belong in a group: each MessageSid gets the next slot the first time it is seen.
    struct Slots: Sendable {
        private var slotOf: [String: Int] = [:]

        init(capacity: Int) { slotOf.reserveCapacity(capacity) }

        /// The slot of `messageSid`; `isNew` when this is its first event (its slot is the count so far).
        mutating func slot(for messageSid: String) -> (index: Int, isNew: Bool) {
            let next = slotOf.count
            if let existing = slotOf[messageSid] { return (existing, false) }
            slotOf[messageSid] = next
            return (next, true)
        }
    }
}
