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
        MessageGroup.groups(of: events).map { group in
            var update = MessageStatusUpdate(first: events[group.indices[0]])
            for index in group.indices.dropFirst() { update.add(events[index]) }
            return update
        }
    }
}

extension MessageStatusUpdate {
    private init(first released: ReleasedEvent) {
        // Read once: each read of `event` goes through the shared box.
        let event = released.event
        self.init(
            messageSid: event.messageSid,
            accountSid: event.accountSid,
            channel: event.channel,
            sender: event.from,
            messagingServiceSid: event.messagingServiceSid,
            candidate: released,
            candidateKey: CurrentStatusRule.key(of: released.summary),
            eventCount: 1
        )
    }

    private mutating func add(_ released: ReleasedEvent) {
        let event = released.event
        eventCount += 1
        if let channel = event.channel { self.channel = channel }
        if let sender = event.from { self.sender = sender }
        if let service = event.messagingServiceSid { messagingServiceSid = service }
        let key = CurrentStatusRule.key(of: released.summary)
        if CurrentStatusRule.replaces(candidateKey, with: key) {
            candidate = released
            candidateKey = key
        }
    }
}
