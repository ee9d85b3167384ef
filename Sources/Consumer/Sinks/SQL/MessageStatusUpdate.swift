import StatusEvents

/// The net effect of a batch's newly stored events of one message on its `message_status` row.
///
/// Database sinks fold the events first so that one upsert per message does the work of applying
/// them one by one: the guard in SQL (see ``SinkSQL``) then compares the candidate with the stored
/// row. Both take the greatest `CurrentStatusRule.Key`, so folding and guarding give the same
/// result as applying each event in any order.
struct MessageStatusUpdate: Sendable, Hashable {
    var messageSid: String
    var accountSid: String
    /// The last non-nil channel, sender (`From`) and messaging service of the events.
    var channel: String?
    var sender: String?
    var messagingServiceSid: String?
    /// The event that would set the current status, if the stored row allows it.
    var candidate: ReleasedEvent
    /// The candidate's key under the rule.
    var candidateKey: CurrentStatusRule.Key
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
                    candidateKey: CurrentStatusRule.key(of: released.summary),
                    eventCount: 1
                )
                continue
            }
            update.eventCount += 1
            if let channel = event.channel { update.channel = channel }
            if let sender = event.from { update.sender = sender }
            if let service = event.messagingServiceSid { update.messagingServiceSid = service }
            let key = CurrentStatusRule.key(of: released.summary)
            if CurrentStatusRule.replaces(update.candidateKey, with: key) {
                update.candidate = released
                update.candidateKey = key
            }
            updates[sid] = update
        }
        return order.map { updates[$0]! }
    }
}
