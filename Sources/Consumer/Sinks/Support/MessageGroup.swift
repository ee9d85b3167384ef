/// One message's events in a batch. The one way the sinks group a batch by MessageSid: messages
/// are independent (written or delivered concurrently), a message's own events stay in order.
struct MessageGroup: Sendable, Hashable {
    var messageSid: String
    /// Positions of the message's events in the batch, ascending.
    var indices: [Int]

    /// `batch` grouped by MessageSid, in order of each message's first event.
    static func groups(of batch: [ReleasedEvent]) -> [MessageGroup] {
        var groups: [MessageGroup] = []
        var groupOf: [String: Int] = [:]
        for (index, released) in batch.enumerated() {
            let sid = released.summary.messageSid
            if let group = groupOf[sid] {
                groups[group].indices.append(index)
            } else {
                groupOf[sid] = groups.count
                groups.append(MessageGroup(messageSid: sid, indices: [index]))
            }
        }
        return groups
    }
}
