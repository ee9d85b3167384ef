/// The net effect of a batch's newly stored events of one message on its `message_status` row.
///
/// Database sinks fold the events first so that one upsert per message does the work of applying
/// them one by one: the guard in SQL (see ``SinkSQL``) then compares the candidate with the stored
/// row. Folding and guarding give the same result as applying each event in order, because a
/// status only moves to a strictly higher rank, and an unranked status only replaces an unranked one.
struct MessageStatusUpdate: Sendable, Hashable {
    var messageSid: String
    var accountSid: String
    /// The last non-nil channel, sender (`From`) and messaging service of the events.
    var channel: String?
    var sender: String?
    var messagingServiceSid: String?
    /// The event that would set the current status, if the stored row allows it.
    var candidate: ReleasedEvent
    /// How many distinct events were newly stored for this message.
    var eventCount: Int

    /// Folds `events` (already deduplicated against storage, in release order) per message, in order
    /// of each message's first appearance.
    static func fold(_ events: [ReleasedEvent]) -> [MessageStatusUpdate] {
        var order: [String] = []
        var updates: [String: MessageStatusUpdate] = [:]
        for released in events {
            // Read once: each read of `event` goes through the shared box.
            let event = released.event
            let sid = event.messageSid
            guard var update = updates[sid] else {
                order.append(sid)
                updates[sid] = MessageStatusUpdate(
                    messageSid: sid,
                    accountSid: event.accountSid,
                    channel: event.channel,
                    sender: event.from,
                    messagingServiceSid: event.messagingServiceSid,
                    candidate: released,
                    eventCount: 1
                )
                continue
            }
            update.eventCount += 1
            if let channel = event.channel { update.channel = channel }
            if let sender = event.from { update.sender = sender }
            if let service = event.messagingServiceSid { update.messagingServiceSid = service }
            if advances(from: update.candidate.summary.statusRank, to: event.statusRank) {
                update.candidate = released
            }
            updates[sid] = update
        }
        return order.map { updates[$0]! }
    }

    /// The guard, in Swift: whether a status of rank `new` replaces one of rank `current`.
    static func advances(from current: Int?, to new: Int?) -> Bool {
        switch (current, new) {
        case (nil, _): true
        case (.some, nil): false
        case (.some(let current), .some(let new)): new > current
        }
    }
}
