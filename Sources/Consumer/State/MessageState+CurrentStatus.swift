import StatusEvents

extension MessageState {
    /// The current status's key under `CurrentStatusRule`, nil before any status was released.
    /// A state written before the key was kept compares as the latest of its rank (the rule of
    /// that version: a later status of the same rank did not replace it).
    var currentKey: CurrentStatusRule.Key? {
        guard lastStatus != nil else { return nil }
        return CurrentStatusRule.Key(rank: lastRank, statusTime: lastStatusTime ?? .max, eventID: lastStatusEventID ?? "")
    }

    /// Makes the event with `key` and `status` the current status.
    mutating func setCurrent(_ key: CurrentStatusRule.Key, status: String) {
        lastRank = key.rank
        lastStatus = status
        lastStatusTime = key.statusTime
        lastStatusEventID = key.eventID
    }
}
