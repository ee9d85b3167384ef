package import StatusEvents
import HeapModule

/// The reordering state machine of one partition. Pure: no I/O, no clock (callers pass `now`).
///
/// Events are buffered per MessageSid and released in the order of `CurrentStatusRule` (rank, then
/// status time, then event id), so each released event becomes its message's current status unless
/// the rule ranks an already released one higher: then it is released at once, flagged `late`.
/// The partition's watermark is the highest event time seen minus the window; once the watermark passes a buffered event, its message's buffered events up
/// to that rank are released. Once the partition is live (the caller reports that every record up to
/// the log end of its last fetch was added) or has received nothing for `idleGrace`, the watermark
/// also advances with the caller's clock from the moment the highest event time was seen, so the
/// last events wait one window, not longer.
///
/// A status the message already has (released or buffered) from other sources only, arriving from
/// yet another source, is a cross-source duplicate (for the statuses of `ReleasedSources`): dropped and counted, never released as late;
/// from `reconciliation` it goes out as a confirmation (`ReleasedEvent.isConfirmation`) that only
/// state sinks record.
///
/// Deterministic: apart from that clock rule, every decision (release, `late`, sequence, duplicate,
/// state expiry) depends only on the records in offset order and the settings, never on how they
/// were batched or when `advance` ran. `add` first releases what the record's own event time moves
/// the watermark past, then judges the record; state retention is judged when a message's next
/// event arrives, so the periodic scan only frees memory. Replaying old data therefore reorders
/// the way live processing did, except where the clock rule released an event before the next
/// record's event time would have (see the README).
///
/// Event times come from the topic, so any `Int64` is possible: arithmetic on them saturates. A
/// time more than `maxEventTimeAhead` past the caller's wall clock is implausible: the event is
/// ordered as if it carried the partition's newest plausible event time (released at once when
/// there is none yet), flagged and counted, so it can neither move the watermark nor keep or expire
/// state.
package struct PartitionReorderer: Sendable {
    struct Pending: Sendable {
        var box: StatusEventBox
        /// The event's key under `CurrentStatusRule`.
        var key: CurrentStatusRule.Key
        var offset: Int64
        /// Arrival order in this partition: identifies the buffered event in `byTime`.
        var serial: Int64
        /// `MessageState.idDigest` of the event id, made once.
        var digest: String
        /// The event time reordering uses: `receivedAt`, or the stand-in for an implausible one.
        var time: Int64
        /// The partition's newest event time when it arrived (at least `time`): state retention counts
        /// from it, so an event from the far past cannot leave a state that expires, and forgets its
        /// ids, at once.
        var seenAt: Int64
        var isImplausible: Bool

        /// Lifecycle rank, `CurrentStatusRule.unrankedRank` when unranked.
        var rank: Int { key.rank ?? CurrentStatusRule.unrankedRank }

        /// Release order within a message: the current-status rule's.
        static func releaseOrder(_ lhs: Pending, _ rhs: Pending) -> Bool {
            lhs.key < rhs.key
        }
    }

    /// Heap entry ordering buffered events by event time, then arrival. Entries of events already
    /// released stay in the heap until they reach the top (lazy deletion).
    struct TimeEntry: Comparable, Sendable {
        var time: Int64
        var serial: Int64
        var slot: Int32

        static func < (lhs: TimeEntry, rhs: TimeEntry) -> Bool {
            (lhs.time, lhs.serial) < (rhs.time, rhs.serial)
        }

        static func == (lhs: TimeEntry, rhs: TimeEntry) -> Bool {
            lhs.time == rhs.time && lhs.serial == rhs.serial
        }
    }

    /// What the partition knows of one message. Messages live at integer slots, so the sid is
    /// hashed once per event and the heap and dirty list hold slots, not strings. A slot is freed
    /// when the message's state expires.
    struct Message: Sendable {
        var sid: String
        /// Restored from durable storage and updated on every release; nil before the first.
        var state: MessageState?
        /// In release order (`Pending.releaseOrder`), which leads with the rank: what a release takes
        /// is always a prefix.
        var buffered: [Pending] = []
        /// The state changed since `takeDirtyStates()`.
        var isDirty = false
    }

    package let topic: String
    package let partition: Int32
    package let configuration: ReorderConfiguration
    /// The configuration's durations in milliseconds, converted once (they are read per event).
    private let windowMilliseconds: Int64
    private let idleGraceMilliseconds: Int64
    private let stateRetentionMilliseconds: Int64?
    private let maxEventTimeAheadMilliseconds: Int64?

    private var slots: [String: Int32] = [:]
    private var messages: [Message] = []
    private var freeSlots: [Int32] = []
    /// Slots whose state changed since `takeDirtyStates()` (those still `isDirty`; may repeat).
    private var dirtySlots: [Int32] = []
    /// Messages whose state retention ran out since `takeEvictions()`.
    private var evicted: Set<String> = []
    /// The caller's clock at the last retention scan.
    private var lastRetentionScanAt: Int64?
    private var byTime = Heap<TimeEntry>()
    private var bufferedOffsets: [Int64: Int] = [:]
    private var offsetHeap = Heap<Int64>()
    private var nextSerial: Int64 = 0
    package private(set) var bufferedCount = 0
    package private(set) var statistics = ReorderStatistics()

    /// Highest event time seen, and the caller's clock when it was first seen.
    private var maxEventTime: Int64?
    private var maxEventTimeSeenAt: Int64 = 0
    /// The caller's clock at the last `add`.
    private var lastArrivalAt: Int64 = 0
    /// Monotonic watermark in event time; nil before the first event.
    package private(set) var watermark: Int64?
    /// Highest offset handed to `add`, for commits when nothing is buffered.
    package private(set) var highestOffset: Int64?
    /// The log end the caller last reported (`advance(now:fetchedEnd:)`); cleared once an offset at or
    /// past it arrives, because the end has moved since and is unknown until the next report.
    private var fetchedEnd: Int64?

    /// Every record before the last reported log end was added: nothing older is still on its way, so
    /// event time may follow the clock. Transaction markers at the log end keep this false (the
    /// idle grace still applies then).
    var isCaughtUp: Bool {
        guard let fetchedEnd, let highestOffset else { return false }
        return highestOffset.saturatingAdd(1) >= fetchedEnd
    }

    package init(topic: String, partition: Int32, configuration: ReorderConfiguration, states: [String: MessageState] = [:]) {
        self.topic = topic
        self.partition = partition
        self.configuration = configuration
        windowMilliseconds = configuration.windowMilliseconds
        idleGraceMilliseconds = configuration.idleGraceMilliseconds
        stateRetentionMilliseconds = configuration.stateRetentionMilliseconds
        maxEventTimeAheadMilliseconds = configuration.maxEventTimeAheadMilliseconds
        slots.reserveCapacity(states.count)
        messages.reserveCapacity(states.count)
        for (sid, state) in states {
            slots[sid] = Int32(messages.count)
            messages.append(Message(sid: sid, state: state.withDigestedIDs()))
        }
    }

    /// Per-message state, by MessageSid. Builds a dictionary of every message: for tests and tools.
    package var states: [String: MessageState] {
        var result: [String: MessageState] = [:]
        for message in messages { if let state = message.state { result[message.sid] = state } }
        return result
    }

    /// The lowest offset of an event still buffered: offsets at or after it must not be committed.
    package mutating func lowestBufferedOffset() -> Int64? {
        while let top = offsetHeap.min, bufferedOffsets[top] == nil {
            _ = offsetHeap.removeMin()
        }
        return offsetHeap.min
    }

    /// The offset to commit (next offset to read) once every released event was accepted by the sinks.
    package mutating func committableOffset() -> Int64? {
        if let lowest = lowestBufferedOffset() { return lowest }
        return highestOffset.map { $0.saturatingAdd(1) }
    }

    /// Event time of the oldest buffered event.
    package mutating func oldestBufferedTime() -> Int64? {
        cleanTimeHeap()
        return byTime.min?.time
    }

    /// How far the watermark trails the highest event time seen, in ms (the effective hold time).
    package var watermarkDelay: Int64 {
        guard let maxEventTime, let watermark else { return 0 }
        return max(0, maxEventTime.saturatingSubtract(watermark))
    }

    /// Adds an event read at `offset`; appends every event this releases to `released`.
    /// - Parameter encoded: the event's JSON as read, which the sinks then reuse (see `StatusEventBox`).
    @discardableResult
    package mutating func add(
        _ event: StatusEvent,
        encoded: [UInt8]? = nil,
        offset: Int64,
        now: Int64,
        wallClock: Int64? = nil,
        into released: inout [ReleasedEvent]
    ) -> ReorderOutcome {
        add(StatusEventBox(event, encoded: encoded), offset: offset, now: now, wallClock: wallClock, into: &released)
    }

    /// - Parameters:
    ///   - now: the caller's clock (any consistent millisecond clock), for the clock rule.
    ///   - wallClock: milliseconds since the Unix epoch that the event's time is judged against
    ///     (`maxEventTimeAhead`); nil skips the check.
    @discardableResult
    mutating func add(
        _ box: StatusEventBox, offset: Int64, now: Int64, wallClock: Int64? = nil, into released: inout [ReleasedEvent]
    ) -> ReorderOutcome {
        let event = box.summary
        noteOffset(offset)
        lastArrivalAt = now
        let digest = MessageState.idDigest(event.id)
        let slot = slot(for: event.messageSid)
        expireIfStale(slot: slot)
        if let state = messages[slot].state, state.recentEventIDs.contains(digest) {
            statistics.duplicates += 1
            return .duplicate
        }
        if !messages[slot].buffered.isEmpty, messages[slot].buffered.contains(where: { $0.box.summary.id == event.id }) {
            statistics.duplicates += 1
            return .duplicate
        }
        if isCrossSourceCopy(event, slot: slot) {
            statistics.crossSourceDuplicates += 1
            if event.source == .reconciliation {
                // Twilio confirmed a status we have: no history row, but the state sinks note it.
                var confirmation = ReleasedEvent(
                    box: box, sequence: messages[slot].state?.sequence ?? 0, late: false, topic: topic, partition: partition,
                    offset: offset
                )
                confirmation.isConfirmation = true
                released.append(confirmation)
            }
            return .crossSourceDuplicate
        }

        var time = event.receivedAt
        var isImplausible = false
        if let wallClock, let ahead = maxEventTimeAheadMilliseconds, time > wallClock.saturatingAdd(ahead) {
            isImplausible = true
            statistics.implausibleTimes += 1
            // Ordered with the partition's newest plausible event, so it moves nothing.
            time = maxEventTime ?? wallClock
        } else if maxEventTime.map({ time > $0 }) ?? true {
            maxEventTime = time
            maxEventTimeSeenAt = now
        }
        // Release what this record's own event time moves the watermark past before judging it: the
        // outcome must not depend on whether a clock tick happened to come first.
        releaseEligible(now: now, into: &released)

        let outcome: ReorderOutcome
        let key = CurrentStatusRule.key(of: event)
        nextSerial += 1
        let pending = Pending(
            box: box, key: key, offset: offset, serial: nextSerial, digest: digest, time: time,
            seenAt: max(time, maxEventTime ?? time), isImplausible: isImplausible
        )
        if key.rank != nil {
            if !CurrentStatusRule.replaces(messages[slot].state?.currentKey, with: key) {
                emit(pending, slot: slot, into: &released)
                outcome = .late
            } else if messages[slot].buffered.isEmpty, windowMilliseconds == 0 || (isImplausible && maxEventTime == nil) {
                emit(pending, slot: slot, into: &released)
                outcome = .released
            } else {
                buffer(pending, slot: slot)
                outcome = .buffered
                // Its time may already be behind the watermark (an old event).
                releaseEligible(now: now, into: &released)
            }
        } else {
            // Not reordered: there is no lifecycle to order it in.
            statistics.unranked += 1
            outcome = emit(pending, slot: slot, into: &released) ? .late : .released
        }
        return outcome
    }

    /// Records that the record at `offset` needs no release (undecodable, dead-lettered), so offsets
    /// past it can be committed.
    package mutating func markDone(offset: Int64) {
        noteOffset(offset)
    }

    /// Advances the watermark with the caller's clock and releases what it passed. Call periodically.
    /// - Parameter fetchedEnd: the partition's log end (high watermark) as of the consumer's last fetch,
    ///   if known. When every record before it was added, the partition is live and its watermark
    ///   follows the clock at once instead of after `idleGrace`.
    package mutating func advance(now: Int64, fetchedEnd: Int64? = nil, into released: inout [ReleasedEvent]) {
        if let fetchedEnd { self.fetchedEnd = fetchedEnd }
        releaseEligible(now: now, into: &released)
        if let last = lastRetentionScanAt, now.saturatingSubtract(last) < Self.retentionScanInterval { return }
        lastRetentionScanAt = now
        expireStates()
    }

    /// Caller-clock milliseconds between retention scans (each one visits every state).
    static let retentionScanInterval: Int64 = 10_000

    /// Drops the states of messages with nothing buffered whose last event is older, in event time,
    /// than the retention. This only frees memory and writes tombstones: `add` treats such a state as
    /// gone whether or not a scan ran (`isStale`), so what expires is decided by event time alone.
    package mutating func expireStates() {
        guard let cutoff = retentionCutoff else { return }
        var expired = 0
        for index in messages.indices {
            guard isStale(messages[index], cutoff: cutoff) else { continue }
            let sid = messages[index].sid
            evicted.insert(sid)
            slots[sid] = nil
            messages[index] = Message(sid: "")
            freeSlots.append(Int32(index))
            expired += 1
        }
        statistics.expiredStates += expired
    }

    /// Messages whose states were dropped since the last call: their changelog records get tombstones.
    package mutating func takeEvictions() -> [String] {
        defer { evicted.removeAll(keepingCapacity: true) }
        return Array(evicted)
    }

    /// Releases the oldest buffered event (and its message's lower-ranked buffered events) before the
    /// watermark passed it, because the buffer is full. Returns how many were released.
    @discardableResult
    package mutating func releaseOldest(into released: inout [ReleasedEvent]) -> Int {
        cleanTimeHeap()
        guard let top = byTime.min, let pending = messages[Int(top.slot)].buffered.first(where: { $0.serial == top.serial })
        else { return 0 }
        let count = releaseMessage(slot: top.slot, throughRank: pending.rank, into: &released)
        statistics.earlyReleased += count
        return count
    }

    /// The states changed since the last call, to be written durably after the sinks accepted the
    /// events that changed them.
    package mutating func takeDirtyStates() -> [String: MessageState] {
        var result: [String: MessageState] = [:]
        result.reserveCapacity(dirtySlots.count)
        for slot in dirtySlots where messages[Int(slot)].isDirty {
            messages[Int(slot)].isDirty = false
            if let state = messages[Int(slot)].state { result[messages[Int(slot)].sid] = state }
        }
        dirtySlots.removeAll(keepingCapacity: true)
        return result
    }

    // MARK: - Internals

    /// Whether the message already has `event`'s status, released or buffered, from other sources
    /// only: the same status change told again by another Twilio feature (or confirmed by
    /// reconciliation). Another copy from the event's own source (a different id) is a new event.
    private func isCrossSourceCopy(_ event: StatusEventSummary, slot: Int) -> Bool {
        guard ReleasedSources.tracks(event.status) else { return false }
        var sources = messages[slot].state?.releasedSources.sources(of: event.status) ?? 0
        for pending in messages[slot].buffered where pending.box.summary.status == event.status {
            sources |= ReleasedSources.bit(pending.box.summary.source)
        }
        return sources != 0 && sources & ReleasedSources.bit(event.source) == 0
    }

    /// The message's slot, made on its first event.
    private mutating func slot(for sid: String) -> Int {
        if let slot = slots[sid] { return Int(slot) }
        let slot: Int
        if let free = freeSlots.popLast() {
            slot = Int(free)
            messages[slot] = Message(sid: sid)
        } else {
            slot = messages.count
            messages.append(Message(sid: sid))
        }
        slots[sid] = Int32(slot)
        return slot
    }

    /// Event times older than this are past the state retention; nil keeps every state.
    private var retentionCutoff: Int64? {
        guard let retention = stateRetentionMilliseconds, let maxEventTime else { return nil }
        return maxEventTime.saturatingSubtract(retention)
    }

    /// A message whose retention ran out: nothing buffered and its last event before the cutoff.
    private func isStale(_ message: Message, cutoff: Int64) -> Bool {
        guard let time = message.state?.lastEventTime else { return false }
        return time < cutoff && message.buffered.isEmpty
    }

    /// Forgets the message's state if its retention ran out, as a scan would have (without the
    /// tombstone: the next release writes a new state over it).
    private mutating func expireIfStale(slot: Int) {
        guard let cutoff = retentionCutoff, isStale(messages[slot], cutoff: cutoff) else { return }
        messages[slot].state = nil
        statistics.expiredStates += 1
    }

    private mutating func buffer(_ pending: Pending, slot: Int) {
        // Kept sorted on the way in (a message has a few buffered events): releasing then needs no
        // sort, whose element copies cost reference counting per event.
        var index = messages[slot].buffered.endIndex
        while index > 0, Pending.releaseOrder(pending, messages[slot].buffered[index - 1]) { index -= 1 }
        messages[slot].buffered.insert(pending, at: index)
        byTime.insert(TimeEntry(time: pending.time, serial: pending.serial, slot: Int32(slot)))
        bufferedOffsets[pending.offset, default: 0] += 1
        offsetHeap.insert(pending.offset)
        bufferedCount += 1
    }

    private mutating func noteOffset(_ offset: Int64) {
        highestOffset = max(highestOffset ?? offset, offset)
        if let end = fetchedEnd, offset >= end { fetchedEnd = nil }
    }

    private mutating func currentWatermark(now: Int64) -> Int64? {
        guard let maxEventTime else { return watermark }
        let quiet = isCaughtUp || now.saturatingSubtract(lastArrivalAt) >= idleGraceMilliseconds
        let idle = quiet ? max(0, now.saturatingSubtract(maxEventTimeSeenAt)) : 0
        let value = maxEventTime.saturatingSubtract(windowMilliseconds).saturatingAdd(idle)
        watermark = max(watermark ?? value, value)
        return watermark
    }

    private mutating func releaseEligible(now: Int64, into released: inout [ReleasedEvent]) {
        guard let watermark = currentWatermark(now: now) else { return }
        while let top = byTime.min, top.time <= watermark {
            _ = byTime.removeMin()
            // Everything of this message up to the highest rank the watermark passed goes now, in order.
            var rank = Int.min
            var found = false
            for pending in messages[Int(top.slot)].buffered {
                if pending.serial == top.serial { found = true }
                if pending.time <= watermark { rank = max(rank, pending.rank) }
            }
            guard found else { continue }
            releaseMessage(slot: top.slot, throughRank: rank, into: &released)
        }
    }

    @discardableResult
    private mutating func releaseMessage(slot: Int32, throughRank rank: Int, into released: inout [ReleasedEvent]) -> Int {
        let slot = Int(slot)
        var buffered: [Pending] = []
        swap(&buffered, &messages[slot].buffered)
        // In release order, so the events ranked up to `rank` are a prefix.
        let count = buffered.firstIndex { $0.rank > rank } ?? buffered.count
        for pending in buffered[..<count] {
            if let count = bufferedOffsets[pending.offset] {
                bufferedOffsets[pending.offset] = count > 1 ? count - 1 : nil
            }
            bufferedCount -= 1
            // Buffered events always rank above what was released before them, so none is late.
            emit(pending, slot: slot, into: &released)
        }
        if count < buffered.count {
            buffered.removeFirst(count)
            messages[slot].buffered = buffered
        }
        return count
    }

    /// Releases `pending`; it becomes the current status unless the rule ranks the current one higher,
    /// which makes it late. Returns whether it was late.
    @discardableResult
    private mutating func emit(_ pending: Pending, slot: Int, into released: inout [ReleasedEvent]) -> Bool {
        let summary = pending.box.summary
        let limit = configuration.recentEventIDLimit
        // Taken out and put back: a copy would duplicate the id array on every release.
        var state = messages[slot].state.take() ?? MessageState()
        state.sequence += 1
        let late = !CurrentStatusRule.replaces(state.currentKey, with: pending.key)
        if !late { state.setCurrent(pending.key, status: summary.status) }
        if state.recentEventIDs.count >= limit {
            state.recentEventIDs.removeFirst(state.recentEventIDs.count - limit + 1)
        }
        state.recentEventIDs.append(pending.digest)
        state.releasedSources.insert(summary.status, from: summary.source)
        if state.lastEventTime.map({ pending.seenAt > $0 }) ?? true { state.lastEventTime = pending.seenAt }
        let sequence = state.sequence
        messages[slot].state = state
        if !messages[slot].isDirty {
            messages[slot].isDirty = true
            dirtySlots.append(Int32(slot))
        }
        if !evicted.isEmpty { evicted.remove(messages[slot].sid) }
        statistics.released += 1
        if late { statistics.late += 1 }
        var event = ReleasedEvent(
            box: pending.box, sequence: sequence, late: late, topic: topic, partition: partition, offset: pending.offset
        )
        event.eventTimeImplausible = pending.isImplausible
        released.append(event)
        return late
    }

    private mutating func cleanTimeHeap() {
        while let top = byTime.min {
            if messages[Int(top.slot)].buffered.contains(where: { $0.serial == top.serial }) { return }
            _ = byTime.removeMin()
        }
    }
}
