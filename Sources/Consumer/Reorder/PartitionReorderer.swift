public import StatusEvents
import HeapModule

/// The reordering state machine of one partition. Pure: no I/O, no clock (callers pass `now`).
///
/// Events are buffered per MessageSid and released in lifecycle-rank order, ties broken by event
/// time (`receivedAt`) and then event id. The partition's watermark is the highest event time seen
/// minus the window; once the watermark passes a buffered event, its message's buffered events up
/// to that rank are released. Once the partition is live (the caller reports that every record up to
/// the log end of its last fetch was added) or has received nothing for `idleGrace`, the watermark
/// also advances with the caller's clock from the moment the highest event time was seen, so the
/// last events wait one window, not longer. Because release is otherwise driven by event time only,
/// replaying old data reorders the way live processing did (only a delivery gap longer than
/// `idleGrace` in the middle of a backlog could release earlier than live).
public struct PartitionReorderer: Sendable {
    struct Pending: Sendable {
        var box: StatusEventBox
        var rank: Int
        var offset: Int64
        /// Arrival order in this partition: identifies the buffered event in `byTime`.
        var serial: Int64
        var receivedAt: Int64 { box.event.receivedAt }

        /// Release order within a message.
        static func releaseOrder(_ lhs: Pending, _ rhs: Pending) -> Bool {
            if lhs.rank != rhs.rank { return lhs.rank < rhs.rank }
            if lhs.receivedAt != rhs.receivedAt { return lhs.receivedAt < rhs.receivedAt }
            return lhs.box.event.id < rhs.box.event.id
        }
    }

    /// Heap entry ordering buffered events by event time, then arrival. Entries of events already
    /// released stay in the heap until they reach the top (lazy deletion).
    struct TimeEntry: Comparable, Sendable {
        var time: Int64
        var serial: Int64
        var messageSid: String

        static func < (lhs: TimeEntry, rhs: TimeEntry) -> Bool {
            (lhs.time, lhs.serial) < (rhs.time, rhs.serial)
        }

        static func == (lhs: TimeEntry, rhs: TimeEntry) -> Bool {
            lhs.time == rhs.time && lhs.serial == rhs.serial
        }
    }

    public let topic: String
    public let partition: Int32
    public let configuration: ReorderConfiguration

    /// Per-message state, restored from durable storage and updated on every release.
    public private(set) var states: [String: MessageState]
    /// Messages whose state changed since `takeDirtyStates()`.
    private var dirty: Set<String> = []
    /// Messages whose state retention ran out since `takeEvictions()`.
    private var evicted: Set<String> = []
    /// The caller's clock at the last retention scan.
    private var lastRetentionScanAt: Int64?
    private var buffers: [String: [Pending]] = [:]
    private var byTime = Heap<TimeEntry>()
    private var bufferedOffsets: [Int64: Int] = [:]
    private var offsetHeap = Heap<Int64>()
    private var nextSerial: Int64 = 0
    public private(set) var bufferedCount = 0
    public private(set) var statistics = ReorderStatistics()

    /// Highest event time seen, and the caller's clock when it was first seen.
    private var maxEventTime: Int64?
    private var maxEventTimeSeenAt: Int64 = 0
    /// The caller's clock at the last `add`.
    private var lastArrivalAt: Int64 = 0
    /// Monotonic watermark in event time; nil before the first event.
    public private(set) var watermark: Int64?
    /// Highest offset handed to `add`, for commits when nothing is buffered.
    public private(set) var highestOffset: Int64?
    /// The log end the caller last reported (`advance(now:fetchedEnd:)`); cleared once an offset at or
    /// past it arrives, because the end has moved since and is unknown until the next report.
    private var fetchedEnd: Int64?

    /// Every record before the last reported log end was added: nothing older is still on its way, so
    /// event time may follow the clock. Transaction markers at the log end keep this false (the
    /// idle grace still applies then).
    var isCaughtUp: Bool {
        guard let fetchedEnd, let highestOffset else { return false }
        return highestOffset + 1 >= fetchedEnd
    }

    public init(topic: String, partition: Int32, configuration: ReorderConfiguration, states: [String: MessageState] = [:]) {
        self.topic = topic
        self.partition = partition
        self.configuration = configuration
        self.states = states.mapValues { $0.withDigestedIDs() }
    }

    /// The lowest offset of an event still buffered: offsets at or after it must not be committed.
    public mutating func lowestBufferedOffset() -> Int64? {
        while let top = offsetHeap.min, bufferedOffsets[top] == nil {
            _ = offsetHeap.removeMin()
        }
        return offsetHeap.min
    }

    /// The offset to commit (next offset to read) once every released event was accepted by the sinks.
    public mutating func committableOffset() -> Int64? {
        if let lowest = lowestBufferedOffset() { return lowest }
        return highestOffset.map { $0 + 1 }
    }

    /// Event time of the oldest buffered event.
    public mutating func oldestBufferedTime() -> Int64? {
        cleanTimeHeap()
        return byTime.min?.time
    }

    /// How far the watermark trails the highest event time seen, in ms (the effective hold time).
    public var watermarkDelay: Int64 {
        guard let maxEventTime, let watermark else { return 0 }
        return max(0, maxEventTime - watermark)
    }

    /// Adds an event read at `offset`; appends every event this releases to `released`.
    @discardableResult
    /// - Parameter encoded: the event's JSON as read, which the sinks then reuse (see `StatusEventBox`).
    public mutating func add(
        _ event: StatusEvent,
        encoded: [UInt8]? = nil,
        offset: Int64,
        now: Int64,
        into released: inout [ReleasedEvent]
    ) -> ReorderOutcome {
        noteOffset(offset)
        lastArrivalAt = now
        let sid = event.messageSid
        let lastRank: Int?
        if let state = states[sid] {
            if state.recentEventIDs.contains(MessageState.idDigest(event.id)) {
                statistics.duplicates += 1
                return .duplicate
            }
            lastRank = state.lastRank
        } else {
            lastRank = nil
        }
        let buffered = buffers[sid]
        if let buffered, buffered.contains(where: { $0.box.event.id == event.id }) {
            statistics.duplicates += 1
            return .duplicate
        }
        if maxEventTime == nil || event.receivedAt > maxEventTime! {
            maxEventTime = event.receivedAt
            maxEventTimeSeenAt = now
        }

        let outcome: ReorderOutcome
        let rank = event.statusRank ?? MessageLifecycle.rank(of: event.status)
        nextSerial += 1
        if let rank {
            let pending = Pending(box: StatusEventBox(event, encoded: encoded), rank: rank, offset: offset, serial: nextSerial)
            if let lastRank, rank <= lastRank {
                emit(pending, late: true, into: &released)
                outcome = .late
            } else if configuration.windowMilliseconds == 0 && buffered == nil {
                emit(pending, late: false, into: &released)
                outcome = .released
            } else {
                buffer(pending)
                outcome = .buffered
            }
        } else {
            statistics.unranked += 1
            let pending = Pending(box: StatusEventBox(event, encoded: encoded), rank: -1, offset: offset, serial: nextSerial)
            emit(pending, late: false, unranked: true, into: &released)
            outcome = .released
        }
        releaseEligible(now: now, into: &released)
        return outcome
    }

    /// Records that the record at `offset` needs no release (undecodable, dead-lettered), so offsets
    /// past it can be committed.
    public mutating func markDone(offset: Int64) {
        noteOffset(offset)
    }

    /// Advances the watermark with the caller's clock and releases what it passed. Call periodically.
    /// - Parameter fetchedEnd: the partition's log end (high watermark) as of the consumer's last fetch,
    ///   if known. When every record before it was added, the partition is live and its watermark
    ///   follows the clock at once instead of after `idleGrace`.
    public mutating func advance(now: Int64, fetchedEnd: Int64? = nil, into released: inout [ReleasedEvent]) {
        if let fetchedEnd { self.fetchedEnd = fetchedEnd }
        releaseEligible(now: now, into: &released)
        if let last = lastRetentionScanAt, now - last < Self.retentionScanInterval { return }
        lastRetentionScanAt = now
        expireStates()
    }

    /// Caller-clock milliseconds between retention scans (each one visits every state).
    static let retentionScanInterval: Int64 = 10_000

    /// Drops the states of messages with nothing buffered whose last event is older, in event time,
    /// than the retention. Deterministic in event time, so a replay drops what live processing did.
    public mutating func expireStates() {
        guard let retention = configuration.stateRetentionMilliseconds, let maxEventTime else { return }
        let cutoff = maxEventTime - retention
        var expired: [String] = []
        for (sid, state) in states {
            if let time = state.lastEventTime, time < cutoff, buffers[sid] == nil { expired.append(sid) }
        }
        for sid in expired {
            states[sid] = nil
            dirty.remove(sid)
            evicted.insert(sid)
        }
        statistics.expiredStates += expired.count
    }

    /// Messages whose states were dropped since the last call: their changelog records get tombstones.
    public mutating func takeEvictions() -> [String] {
        defer { evicted.removeAll(keepingCapacity: true) }
        return Array(evicted)
    }

    /// Releases the oldest buffered event (and its message's lower-ranked buffered events) before the
    /// watermark passed it, because the buffer is full. Returns how many were released.
    @discardableResult
    public mutating func releaseOldest(into released: inout [ReleasedEvent]) -> Int {
        cleanTimeHeap()
        guard let top = byTime.min, let pending = buffers[top.messageSid]?.first(where: { $0.serial == top.serial })
        else { return 0 }
        let count = releaseMessage(top.messageSid, throughRank: pending.rank, into: &released)
        statistics.earlyReleased += count
        return count
    }

    /// Releases every buffered event in order (graceful shutdown with a final flush is NOT this:
    /// shutdown keeps them unreleased and uncommitted). Used by tests and by `drain` tooling.
    public mutating func releaseAll(into released: inout [ReleasedEvent]) {
        for sid in buffers.keys.sorted() {
            _ = releaseMessage(sid, throughRank: .max, into: &released)
        }
    }

    /// The states changed since the last call, to be written durably after the sinks accepted the
    /// events that changed them.
    public mutating func takeDirtyStates() -> [String: MessageState] {
        var result: [String: MessageState] = [:]
        result.reserveCapacity(dirty.count)
        for sid in dirty {
            if let state = states[sid] { result[sid] = state }
        }
        dirty.removeAll(keepingCapacity: true)
        return result
    }

    // MARK: - Internals

    private mutating func buffer(_ pending: Pending) {
        let sid = pending.box.event.messageSid
        buffers[sid, default: []].append(pending)
        byTime.insert(TimeEntry(time: pending.receivedAt, serial: pending.serial, messageSid: sid))
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
        let quiet = isCaughtUp || now - lastArrivalAt >= configuration.idleGraceMilliseconds
        let idle = quiet ? max(0, now - maxEventTimeSeenAt) : 0
        let (candidate, overflow) = (maxEventTime - configuration.windowMilliseconds).addingReportingOverflow(idle)
        let value = overflow ? Int64.max : candidate
        watermark = max(watermark ?? value, value)
        return watermark
    }

    private mutating func releaseEligible(now: Int64, into released: inout [ReleasedEvent]) {
        guard let watermark = currentWatermark(now: now) else { return }
        while let top = byTime.min, top.time <= watermark {
            _ = byTime.removeMin()
            guard let pendings = buffers[top.messageSid], pendings.contains(where: { $0.serial == top.serial }) else {
                continue
            }
            // Everything of this message up to the highest rank the watermark passed goes now, in order.
            let rank = pendings.lazy.filter { $0.receivedAt <= watermark }.map(\.rank).max() ?? .min
            releaseMessage(top.messageSid, throughRank: rank, into: &released)
        }
    }

    @discardableResult
    private mutating func releaseMessage(_ sid: String, throughRank rank: Int, into released: inout [ReleasedEvent]) -> Int {
        guard let pendings = buffers[sid] else { return 0 }
        var going: [Pending] = []
        var staying: [Pending] = []
        for pending in pendings {
            if pending.rank <= rank { going.append(pending) } else { staying.append(pending) }
        }
        buffers[sid] = staying.isEmpty ? nil : staying
        going.sort(by: Pending.releaseOrder)
        for pending in going {
            if let count = bufferedOffsets[pending.offset] {
                bufferedOffsets[pending.offset] = count > 1 ? count - 1 : nil
            }
            bufferedCount -= 1
            // Buffered events always rank above what was released before them.
            emit(pending, late: false, into: &released)
        }
        return going.count
    }

    private mutating func emit(_ pending: Pending, late: Bool, unranked: Bool = false, into released: inout [ReleasedEvent]) {
        let box = pending.box
        let sid = box.event.messageSid
        let limit = configuration.recentEventIDLimit
        // Mutated in place: a copy would duplicate the id array on every release.
        let sequence = { (state: inout MessageState) -> Int in
            state.sequence += 1
            if !late && !unranked, state.lastRank.map({ pending.rank >= $0 }) ?? true {
                state.lastRank = pending.rank
                state.lastStatus = box.event.status
            }
            if state.recentEventIDs.count >= limit {
                state.recentEventIDs.removeFirst(state.recentEventIDs.count - limit + 1)
            }
            state.recentEventIDs.append(MessageState.idDigest(box.event.id))
            let time = box.event.receivedAt
            if state.lastEventTime.map({ time > $0 }) ?? true { state.lastEventTime = time }
            return state.sequence
        }(&states[sid, default: MessageState()])
        dirty.insert(sid)
        if !evicted.isEmpty { evicted.remove(sid) }
        statistics.released += 1
        if late { statistics.late += 1 }
        released.append(
            ReleasedEvent(
                box: pending.box, sequence: sequence, late: late,
                topic: topic, partition: partition, offset: pending.offset
            )
        )
    }

    private mutating func cleanTimeHeap() {
        while let top = byTime.min {
            if let pendings = buffers[top.messageSid], pendings.contains(where: { $0.serial == top.serial }) { return }
            _ = byTime.removeMin()
        }
    }
}
