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
        var folder = Folder(capacity: events.count)
        for released in events { folder.add(released, event: released.event) }
        return folder.updates
    }

    /// ``fold(_:)`` one event at a time, for a sink that learns event by event which ones were newly
    /// stored. Updates in place: it runs once per event on the database's thread.
    struct Folder {
        private var slots: MessageGroup.Slots
        private(set) var updates: [MessageStatusUpdate] = []

        init(capacity: Int) {
            slots = MessageGroup.Slots(capacity: capacity)
            updates.reserveCapacity(capacity)
        }

        /// Adds `released`, whose event is `event` (passed in: each read of `released.event` copies it
        /// out of the shared box).
        mutating func add(_ released: ReleasedEvent, event: StatusEvent) {
            let key = CurrentStatusRule.key(of: released.summary)
            let (position, isNew) = slots.slot(for: event.messageSid)
            if isNew {
                updates.append(
                    MessageStatusUpdate(
                        messageSid: event.messageSid,
                        accountSid: event.accountSid,
                        channel: event.channel,
                        sender: event.from,
                        messagingServiceSid: event.messagingServiceSid,
                        candidate: released,
                        candidateKey: key,
                        eventCount: 1
                    )
                )
                return
            }
            updates[position].eventCount += 1
            if let channel = event.channel { updates[position].channel = channel }
            if let sender = event.from { updates[position].sender = sender }
            if let service = event.messagingServiceSid { updates[position].messagingServiceSid = service }
            if CurrentStatusRule.replaces(updates[position].candidateKey, with: key) {
                updates[position].candidate = released
                updates[position].candidateKey = key
            }
        }
    }
}
