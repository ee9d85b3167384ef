import Consumer
import StatusEvents
import Testing

@Suite struct PartitionReordererTests {
    func reorderer(window: Duration = .seconds(3), states: [String: MessageState] = [:]) -> PartitionReorderer {
        PartitionReorderer(
            topic: "t", partition: 0, configuration: ReorderConfiguration(window: window), states: states
        )
    }

    @Test func holdsEventsUntilTheWatermarkThenReleasesInRankOrder() {
        var r = reorderer()
        var out: [ReleasedEvent] = []
        #expect(r.add(TestEvents.make(sid: "SM1", status: "delivered", at: 1_000), offset: 0, now: 1_000, into: &out) == .buffered)
        #expect(r.add(TestEvents.make(sid: "SM1", status: "queued", at: 900), offset: 1, now: 1_010, into: &out) == .buffered)
        #expect(r.add(TestEvents.make(sid: "SM1", status: "sent", at: 950), offset: 2, now: 1_020, into: &out) == .buffered)
        #expect(out.isEmpty)
        #expect(r.lowestBufferedOffset() == 0)
        // An event of another message 3 s later moves the watermark past all three.
        r.add(TestEvents.make(sid: "SM2", status: "queued", at: 4_000), offset: 3, now: 1_030, into: &out)
        #expect(out.map(\.event.status) == ["queued", "sent", "delivered"])
        #expect(out.map(\.sequence) == [1, 2, 3])
        #expect(out.allSatisfy { !$0.late && $0.topic == "t" && $0.partition == 0 })
        #expect(out.map(\.offset) == [1, 2, 0])
        #expect(r.bufferedCount == 1)
        #expect(r.lowestBufferedOffset() == 3)
        #expect(r.committableOffset() == 3)
    }

    @Test func idlePartitionReleasesWithTheWallClock() {
        var r = reorderer()
        var out: [ReleasedEvent] = []
        r.add(TestEvents.make(sid: "SM1", status: "sent", at: 10_000), offset: 7, now: 500, into: &out)
        r.advance(now: 3_499, into: &out)
        #expect(out.isEmpty)
        r.advance(now: 3_500, into: &out)
        #expect(out.map(\.event.status) == ["sent"])
        #expect(r.committableOffset() == 8)
    }

    @Test func idleAdvanceWaitsForQuietThenCountsFromTheNewestEvent() {
        var r = reorderer()
        var out: [ReleasedEvent] = []
        r.add(TestEvents.make(sid: "SM1", status: "sent", at: 10_000), offset: 0, now: 0, into: &out)
        // A backlog keeps arriving (older events): no wall-clock advance while it does.
        r.add(TestEvents.make(sid: "SM2", status: "queued", at: 9_000), offset: 1, now: 2_000, into: &out)
        r.advance(now: 4_999, into: &out)
        #expect(out.isEmpty)
        // Quiet for the grace (the window): the watermark counts from when 10 000 was first seen.
        r.advance(now: 5_000, into: &out)
        #expect(Set(out.map(\.event.messageSid)) == ["SM1", "SM2"])
    }

    @Test func caughtUpPartitionFollowsTheClockWithoutTheGrace() {
        var r = reorderer()
        var out: [ReleasedEvent] = []
        // Live traffic that stops: each event waits one window after its arrival, not the window plus
        // the quiet period.
        r.add(TestEvents.make(sid: "SM1", status: "sent", at: 8_000), offset: 0, now: 8_000, into: &out)
        r.add(TestEvents.make(sid: "SM2", status: "sent", at: 10_000), offset: 1, now: 10_000, into: &out)
        r.advance(now: 10_100, fetchedEnd: 2, into: &out)
        #expect(out.isEmpty)
        r.advance(now: 11_000, fetchedEnd: 2, into: &out)
        #expect(out.map(\.event.messageSid) == ["SM1"])
        r.advance(now: 12_999, fetchedEnd: 2, into: &out)
        #expect(out.count == 1)
        r.advance(now: 13_000, fetchedEnd: 2, into: &out)
        #expect(out.map(\.event.messageSid) == ["SM1", "SM2"])
        #expect(r.committableOffset() == 2)
    }

    @Test func partitionBehindItsLogEndKeepsTheGrace() {
        var r = reorderer()
        var out: [ReleasedEvent] = []
        r.add(TestEvents.make(sid: "SM1", status: "sent", at: 8_000), offset: 0, now: 8_000, into: &out)
        r.add(TestEvents.make(sid: "SM2", status: "sent", at: 10_000), offset: 1, now: 10_000, into: &out)
        // Records up to offset 4 exist but have not reached the reorderer: a backlog, not live.
        r.advance(now: 11_000, fetchedEnd: 5, into: &out)
        #expect(out.isEmpty)
        r.advance(now: 12_999, fetchedEnd: 5, into: &out)
        #expect(out.isEmpty)
        // Only after the quiet period does the clock take over.
        r.advance(now: 13_000, fetchedEnd: 5, into: &out)
        #expect(out.map(\.event.messageSid) == ["SM1", "SM2"])
    }

    @Test func aReportedEndIsForgottenOnceRecordsPassIt() {
        var r = reorderer()
        var out: [ReleasedEvent] = []
        r.add(TestEvents.make(sid: "SM1", status: "sent", at: 10_000), offset: 0, now: 10_000, into: &out)
        r.advance(now: 10_000, fetchedEnd: 1, into: &out)
        // A later fetch brought older records past the reported end: the end it came with is not
        // known yet, so the partition is not taken as live on the stale one.
        r.add(TestEvents.make(sid: "SM2", status: "sent", at: 9_000), offset: 1, now: 11_000, into: &out)
        r.add(TestEvents.make(sid: "SM3", status: "sent", at: 9_500), offset: 2, now: 11_000, into: &out)
        r.advance(now: 12_500, into: &out)
        #expect(out.isEmpty)
        r.advance(now: 12_500, fetchedEnd: 3, into: &out)
        #expect(out.map(\.event.messageSid) == ["SM2", "SM3"])
    }

    @Test func deliveryGapsShorterThanTheGraceNeverReleaseEarly() {
        var r = reorderer()
        var out: [ReleasedEvent] = []
        // Catching up on old data, fetched in batches 2.5 s apart: only event time counts.
        r.add(TestEvents.make(sid: "SM1", status: "sent", at: 1_000), offset: 0, now: 0, into: &out)
        r.advance(now: 2_500, into: &out)
        r.add(TestEvents.make(sid: "SM1", status: "queued", at: 900), offset: 1, now: 2_500, into: &out)
        r.advance(now: 5_000, into: &out)
        #expect(out.isEmpty)
        r.advance(now: 5_500, into: &out)
        #expect(out.map(\.event.status) == ["queued", "sent"])
        #expect(out.allSatisfy { !$0.late })
    }

    @Test func zeroWindowReleasesImmediately() {
        var r = reorderer(window: .zero)
        var out: [ReleasedEvent] = []
        #expect(r.add(TestEvents.make(sid: "SM1", status: "sent", at: 1_000), offset: 0, now: 0, into: &out) == .released)
        #expect(r.add(TestEvents.make(sid: "SM1", status: "queued", at: 900), offset: 1, now: 0, into: &out) == .late)
        #expect(out.map(\.event.status) == ["sent", "queued"])
        #expect(out.map(\.late) == [false, true])
        #expect(r.bufferedCount == 0)
    }

    @Test func lateEventsAreReleasedAtOnceAndFlagged() {
        var r = reorderer()
        var out: [ReleasedEvent] = []
        r.add(TestEvents.make(sid: "SM1", status: "delivered", at: 1_000), offset: 0, now: 0, into: &out)
        r.advance(now: 10_000, into: &out)
        #expect(out.count == 1)
        #expect(r.add(TestEvents.make(sid: "SM1", status: "sent", at: 900), offset: 1, now: 10_001, into: &out) == .late)
        // The same rank with an earlier status time is late too (a `failed` from before `delivered`).
        #expect(r.add(TestEvents.make(sid: "SM1", status: "failed", at: 950), offset: 2, now: 10_002, into: &out) == .late)
        #expect(out.map(\.late) == [false, true, true])
        #expect(out.map(\.sequence) == [1, 2, 3])
        #expect(r.states["SM1"]?.lastStatus == "delivered")
        #expect(r.states["SM1"]?.lastRank == MessageLifecycle.rank(of: "delivered"))
        #expect(r.statistics.late == 2)
        // A later higher rank is not late.
        #expect(r.add(TestEvents.make(sid: "SM1", status: "read", at: 20_000), offset: 3, now: 10_003, into: &out) == .buffered)
    }

    /// `CurrentStatusRule`: the same rank with a later status time replaces the current status, so it
    /// is released in order, not late; an earlier one of the same time loses on the event id.
    @Test func aLaterStatusOfTheSameRankBecomesCurrent() {
        var r = reorderer()
        var out: [ReleasedEvent] = []
        r.add(TestEvents.make(sid: "SM1", status: "delivered", at: 1_000), offset: 0, now: 0, into: &out)
        r.advance(now: 10_000, into: &out)
        #expect(r.add(TestEvents.make(sid: "SM1", status: "failed", at: 1_100), offset: 1, now: 10_001, into: &out) == .buffered)
        r.advance(now: 20_000, into: &out)
        #expect(out.map(\.event.status) == ["delivered", "failed"])
        #expect(out.map(\.late) == [false, false])
        #expect(r.states["SM1"]?.lastStatus == "failed")
        #expect(r.states["SM1"]?.lastStatusTime == 1_100)
        #expect(r.states["SM1"]?.lastStatusEventID == "SM1-failed")
        // The same time: the greater id wins ("SM1-undelivered" > "SM1-failed"), and the smaller is late.
        #expect(r.add(TestEvents.make(sid: "SM1", status: "canceled", at: 1_100, id: "SM1-a"), offset: 2, now: 20_001, into: &out) == .late)
        #expect(r.add(TestEvents.make(sid: "SM1", status: "undelivered", at: 1_100), offset: 3, now: 20_002, into: &out) == .buffered)
        r.advance(now: 30_000, into: &out)
        #expect(out.map(\.late) == [false, false, true, false])
        #expect(r.states["SM1"]?.lastStatus == "undelivered")
    }

    /// A state written before the status time was kept: its status stays current against the same rank.
    @Test func aStateWithoutStatusTimeKeepsItsStatusAgainstTheSameRank() {
        var r = reorderer(window: .zero, states: ["SM1": MessageState(lastRank: 60, lastStatus: "delivered", sequence: 2, recentEventIDs: [])])
        var out: [ReleasedEvent] = []
        #expect(r.add(TestEvents.make(sid: "SM1", status: "failed", at: 1_100), offset: 0, now: 0, into: &out) == .late)
        #expect(r.add(TestEvents.make(sid: "SM1", status: "read", at: 1_200), offset: 1, now: 0, into: &out) == .released)
        #expect(r.states["SM1"]?.lastStatus == "read")
    }

    @Test func duplicatesAreDroppedWhetherBufferedOrReleased() {
        var r = reorderer()
        var out: [ReleasedEvent] = []
        r.add(TestEvents.make(sid: "SM1", status: "sent", at: 1_000), offset: 0, now: 0, into: &out)
        #expect(r.add(TestEvents.make(sid: "SM1", status: "sent", at: 1_000), offset: 1, now: 0, into: &out) == .duplicate)
        r.advance(now: 5_000, into: &out)
        #expect(r.add(TestEvents.make(sid: "SM1", status: "sent", at: 1_000), offset: 2, now: 5_001, into: &out) == .duplicate)
        #expect(out.count == 1)
        #expect(r.statistics.duplicates == 2)
        // A duplicate is done with: the offset after it is committable.
        #expect(r.committableOffset() == 3)
    }

    @Test func unrankedEventsPassThroughInArrivalOrder() {
        var r = reorderer()
        var out: [ReleasedEvent] = []
        r.add(TestEvents.make(sid: "SM1", status: "sent", at: 1_000), offset: 0, now: 0, into: &out)
        #expect(r.add(TestEvents.make(sid: "SM1", status: "teleported", at: 900), offset: 1, now: 0, into: &out) == .released)
        #expect(r.add(TestEvents.make(sid: "SM1", status: "received", at: 950), offset: 2, now: 0, into: &out) == .released)
        #expect(out.map(\.event.status) == ["teleported", "received"])
        #expect(out.map(\.sequence) == [1, 2])
        r.advance(now: 10_000, into: &out)
        #expect(out.map(\.event.status) == ["teleported", "received", "sent"])
        #expect(r.states["SM1"]?.lastStatus == "sent")
        #expect(r.statistics.unranked == 2)
        // Unranked below every rank, and an earlier unranked below a later one: neither becomes current.
        #expect(r.add(TestEvents.make(sid: "SM1", status: "receiving", at: 5_000), offset: 3, now: 10_001, into: &out) == .late)
        #expect(out.map(\.late) == [false, false, false, true])
    }

    @Test func tiesAreBrokenByEventTimeThenID() {
        var r = reorderer()
        var out: [ReleasedEvent] = []
        r.add(TestEvents.make(sid: "SM1", status: "failed", at: 1_200), offset: 0, now: 0, into: &out)
        r.add(TestEvents.make(sid: "SM1", status: "delivered", at: 1_100, id: "b"), offset: 1, now: 0, into: &out)
        r.add(TestEvents.make(sid: "SM1", status: "undelivered", at: 1_100, id: "a"), offset: 2, now: 0, into: &out)
        r.advance(now: 100_000, into: &out)
        #expect(out.map(\.event.status) == ["undelivered", "delivered", "failed"])
        #expect(out.allSatisfy { !$0.late })
    }

    @Test func statesExpireInEventTimeAndAreTombstoned() {
        let day: Int64 = 86_400_000
        var r = PartitionReorderer(
            topic: "t", partition: 0,
            configuration: ReorderConfiguration(window: .zero, stateRetention: .seconds(86_400)),
            states: ["SMold": MessageState(lastRank: 60, lastStatus: "delivered", sequence: 2, recentEventIDs: ["a"])]
        )
        var out: [ReleasedEvent] = []
        r.add(TestEvents.make(sid: "SM1", status: "sent", at: 1_000), offset: 0, now: 0, into: &out)
        #expect(r.states["SM1"]?.lastEventTime == 1_000)
        r.add(TestEvents.make(sid: "SM2", status: "sent", at: 1_000 + day - 1), offset: 1, now: 0, into: &out)
        r.expireStates()
        #expect(r.states["SM1"] != nil, "exactly one retention old is kept")
        r.add(TestEvents.make(sid: "SM2", status: "delivered", at: 1_001 + day), offset: 2, now: 0, into: &out)
        r.expireStates()
        #expect(r.states["SM1"] == nil)
        #expect(r.states["SM2"] != nil)
        // A state restored without an event time is kept until an event sets one.
        #expect(r.states["SMold"] != nil)
        #expect(r.takeEvictions() == ["SM1"])
        #expect(r.takeDirtyStates()["SM1"] == nil)
        #expect(r.takeEvictions().isEmpty)
        #expect(r.statistics.expiredStates == 1)
        // An event for the expired message starts it afresh and cancels a pending tombstone.
        r.add(TestEvents.make(sid: "SM1", status: "read", at: 2_000 + day), offset: 3, now: 0, into: &out)
        #expect(out.last?.sequence == 1)
        #expect(out.last?.late == false)
    }

    @Test func noRetentionKeepsEveryState() {
        var r = PartitionReorderer(
            topic: "t", partition: 0, configuration: ReorderConfiguration(window: .zero, stateRetention: .zero)
        )
        var out: [ReleasedEvent] = []
        r.add(TestEvents.make(sid: "SM1", status: "sent", at: 0), offset: 0, now: 0, into: &out)
        r.add(TestEvents.make(sid: "SM2", status: "sent", at: 1_000 * 86_400_000), offset: 1, now: 0, into: &out)
        r.expireStates()
        #expect(r.states.count == 2)
        #expect(r.takeEvictions().isEmpty)
    }

    @Test func bufferedMessagesDoNotExpire() {
        var r = PartitionReorderer(
            topic: "t", partition: 0, configuration: ReorderConfiguration(window: .seconds(3), stateRetention: .seconds(1))
        )
        var out: [ReleasedEvent] = []
        r.add(TestEvents.make(sid: "SM1", status: "sent", at: 0), offset: 0, now: 0, into: &out)
        r.add(TestEvents.make(sid: "SM1", status: "delivered", at: 11_000), offset: 1, now: 0, into: &out)
        #expect(out.map(\.event.messageSid) == ["SM1"])
        r.add(TestEvents.make(sid: "SM2", status: "sent", at: 10_000), offset: 2, now: 0, into: &out)
        r.add(TestEvents.make(sid: "SM3", status: "sent", at: 13_500), offset: 3, now: 0, into: &out)
        #expect(out.map(\.event.messageSid) == ["SM1", "SM2"])
        r.expireStates()
        // Both states are older than the retention, but SM1 has a buffered event: it stays.
        #expect(r.bufferedCount == 2)
        #expect(r.states["SM1"] != nil)
        #expect(r.states["SM2"] == nil)
    }

    @Test func longEventIDsAreRememberedAsStableDigests() {
        let id = "9812a4cb725bd30c5bb3a580295a16ef7340c0960c5b9e74a9e5892992897023"
        // Pinned: the digest is persisted in the state topic, so it must never change.
        #expect(MessageState.idDigest(id) == "~1u86hek2rg18r")
        #expect(MessageState.idDigest("short-id") == "short-id")
        // The digest is persisted: it must stay "~" + base-36 FNV-1a-64 of the UTF-8 bytes.
        var generator = SystemRandomNumberGenerator()
        for length in [16, 17, 32, 40, 64, 200] {
            let alphabet = Array("abcXYZ019-_é漢🙂")
            let text = String((0..<length).map { _ in alphabet[Int(generator.next() % UInt64(alphabet.count))] })
            var hash: UInt64 = 0xcbf2_9ce4_8422_2325
            for byte in text.utf8 { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
            #expect(MessageState.idDigest(text) == "~" + String(hash, radix: 36), "\(text)")
        }
        // A state written with full ids (older versions) still catches the duplicate.
        var r = reorderer(window: .zero, states: ["SM1": MessageState(lastRank: 40, lastStatus: "sent", sequence: 1, recentEventIDs: [id])])
        var out: [ReleasedEvent] = []
        #expect(r.add(TestEvents.make(sid: "SM1", status: "sent", at: 1, id: id), offset: 0, now: 0, into: &out) == .duplicate)
        let other = String(id.dropLast()) + "4"
        #expect(r.add(TestEvents.make(sid: "SM1", status: "delivered", at: 2, id: other), offset: 1, now: 0, into: &out) == .released)
        #expect(r.add(TestEvents.make(sid: "SM1", status: "delivered", at: 2, id: other), offset: 2, now: 0, into: &out) == .duplicate)
        #expect(r.states["SM1"]?.recentEventIDs == ["~1u86hek2rg18r", MessageState.idDigest(other)])
    }

    @Test func sequenceContinuesFromRestoredState() {
        let restored = MessageState(lastRank: 40, lastStatus: "sent", sequence: 3, recentEventIDs: ["x", "y"])
        var r = reorderer(states: ["SM1": restored])
        var out: [ReleasedEvent] = []
        #expect(r.add(TestEvents.make(sid: "SM1", status: "sent", at: 1, id: "y"), offset: 0, now: 0, into: &out) == .duplicate)
        #expect(r.add(TestEvents.make(sid: "SM1", status: "queued", at: 1), offset: 1, now: 0, into: &out) == .late)
        r.add(TestEvents.make(sid: "SM1", status: "delivered", at: 2), offset: 2, now: 0, into: &out)
        r.advance(now: 100_000, into: &out)
        #expect(out.map(\.sequence) == [4, 5])
        let dirty = r.takeDirtyStates()
        #expect(dirty["SM1"]?.sequence == 5)
        #expect(dirty["SM1"]?.lastStatus == "delivered")
        #expect(dirty["SM1"]?.recentEventIDs == ["x", "y", "SM1-queued", "SM1-delivered"])
        #expect(r.takeDirtyStates().isEmpty)
    }

    @Test func recentIDsAreBounded() {
        var r = PartitionReorderer(
            topic: "t", partition: 0, configuration: ReorderConfiguration(window: .zero, recentEventIDLimit: 4)
        )
        var out: [ReleasedEvent] = []
        for index in 0..<10 {
            r.add(TestEvents.make(sid: "SM1", status: "x", at: Int64(index), id: "e\(index)"), offset: Int64(index), now: 0, into: &out)
        }
        #expect(r.states["SM1"]?.recentEventIDs == ["e6", "e7", "e8", "e9"])
        #expect(r.states["SM1"]?.sequence == 10)
    }

    @Test func watermarkNeverMovesBackwards() {
        var r = reorderer()
        var out: [ReleasedEvent] = []
        r.add(TestEvents.make(sid: "SM1", status: "sent", at: 10_000), offset: 0, now: 0, into: &out)
        r.advance(now: 5_000, into: &out)
        let advanced = r.watermark
        r.add(TestEvents.make(sid: "SM2", status: "sent", at: 10_500), offset: 1, now: 5_001, into: &out)
        #expect(r.watermark! >= advanced!)
    }
}
