/// The one rule for a message's current status. Every place that decides or shows a current status
/// uses it: the reorderer's per-message state (and so the `late` flag of the ordered stream), the
/// SQL sinks' upsert (its SQL is tested against this type) and the replay dry run.
///
/// Of all the distinct events of a message, the current status is the one with the greatest
/// ``Key``:
/// 1. a higher lifecycle rank wins (`read` beats every final status); an unranked status (inbound,
///    unknown) is below every rank;
/// 2. the same rank: the later `StatusEvent.statusTime` wins (Twilio's own time where the event
///    carries one, otherwise `receivedAt`);
/// 3. the same time: the event id that is greater in UTF-8 byte order wins, so every arrival order
///    gives the same answer.
///
/// The rank comes from the status (`MessageLifecycle`), never from a record's `statusRank`. Being a
/// maximum, the result does not depend on the order or the batches the events come in, and the
/// current status never moves backwards: an event that does not beat it changes nothing.
///
/// Lives next to `MessageLifecycle` because it combines only what this module defines (the rank
/// table and `statusTime`): the consumer, its sinks and the operator tools all reach it.
public enum CurrentStatusRule {
    /// The rank an unranked status compares with: below every lifecycle rank.
    public static let unrankedRank = -1

    /// What the rule compares of an event.
    public struct Key: Sendable, Hashable, Comparable {
        /// Lifecycle rank of the status, nil when unranked.
        public var rank: Int?
        /// `StatusEvent.statusTime`, milliseconds since the Unix epoch.
        public var statusTime: Int64
        public var eventID: String

        public init(rank: Int?, statusTime: Int64, eventID: String) {
            self.rank = rank
            self.statusTime = statusTime
            self.eventID = eventID
        }

        /// The key of a status: its rank comes from `MessageLifecycle`.
        public init(status: String, statusTime: Int64, eventID: String) {
            self.init(rank: MessageLifecycle.rank(of: status), statusTime: statusTime, eventID: eventID)
        }

        public static func < (lhs: Key, rhs: Key) -> Bool {
            let left = lhs.rank ?? CurrentStatusRule.unrankedRank
            let right = rhs.rank ?? CurrentStatusRule.unrankedRank
            if left != right { return left < right }
            if lhs.statusTime != rhs.statusTime { return lhs.statusTime < rhs.statusTime }
            return UTF8Order.less(lhs.eventID, rhs.eventID)
        }

        /// Byte-wise, like the ordering (Swift's `==` on strings would merge NFC and NFD forms).
        public static func == (lhs: Key, rhs: Key) -> Bool {
            lhs.rank == rhs.rank && lhs.statusTime == rhs.statusTime && lhs.eventID.utf8.elementsEqual(rhs.eventID.utf8)
        }

        public func hash(into hasher: inout Hasher) {
            hasher.combine(rank)
            hasher.combine(statusTime)
            eventID.withUTF8Bytes { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
        }
    }

    public static func key(of event: StatusEvent) -> Key {
        Key(status: event.status, statusTime: event.statusTime, eventID: event.id)
    }

    public static func key(of summary: StatusEventSummary) -> Key {
        Key(status: summary.status, statusTime: summary.statusTime, eventID: summary.id)
    }

    /// Whether an event with key `candidate` becomes the current status over `current` (nil: the
    /// message has none yet).
    public static func replaces(_ current: Key?, with candidate: Key) -> Bool {
        guard let current else { return true }
        return current < candidate
    }
}
