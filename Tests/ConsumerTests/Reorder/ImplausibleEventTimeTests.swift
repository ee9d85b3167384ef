import Consumer
import StatusEvents
import StatusRelayCore
import Testing

/// Issue 16 item 6: one event whose `receivedAt` lies far ahead of the consumer's clock must not move
/// the watermark or expire state; it is still delivered, flagged and counted.
@Suite struct ImplausibleEventTimeTests {
    static let now: Int64 = 1_795_970_444_847
    static let tenYears: Int64 = 10 * 365 * 86_400_000

    func reorderer(ahead: Duration? = .seconds(300)) -> PartitionReorderer {
        PartitionReorderer(
            topic: "t", partition: 0, configuration: ReorderConfiguration(window: .seconds(3), maxEventTimeAhead: ahead)
        )
    }

    /// The issue's sequence: traffic, one event ten years ahead, then more traffic out of order within
    /// the window, and an exact duplicate of an event released before the future one.
    func runIssueSequence(_ r: inout PartitionReorderer) -> [ReleasedEvent] {
        var out: [ReleasedEvent] = []
        let now = Self.now
        r.add(TestEvents.make(sid: "SM0", status: "sent", at: now), offset: 0, now: 0, wallClock: now, into: &out)
        r.add(TestEvents.make(sid: "SM1", status: "queued", at: now + 4_000), offset: 1, now: 4_000, wallClock: now + 4_000, into: &out)
        r.add(TestEvents.make(sid: "SMfuture", status: "delivered", at: now + Self.tenYears), offset: 2, now: 4_100, wallClock: now + 4_100, into: &out)
        // Another message's statuses, delivered before sent, well within the window.
        r.add(TestEvents.make(sid: "SM2", status: "delivered", at: now + 4_300), offset: 3, now: 4_300, wallClock: now + 4_300, into: &out)
        r.add(TestEvents.make(sid: "SM2", status: "sent", at: now + 4_200), offset: 4, now: 4_400, wallClock: now + 4_400, into: &out)
        r.advance(now: 20_000, into: &out)
        r.expireStates()
        // An exact duplicate of SM0's event, read again after all that.
        r.add(TestEvents.make(sid: "SM0", status: "sent", at: now), offset: 5, now: 20_100, wallClock: now + 20_100, into: &out)
        r.advance(now: 40_000, into: &out)
        return out
    }

    @Test func aFutureEventMovesNothingAndIsDeliveredFlaggedAndCounted() {
        var r = reorderer()
        let out = runIssueSequence(&r)
        let sm2 = out.filter { $0.event.messageSid == "SM2" }
        #expect(sm2.map(\.event.status) == ["sent", "delivered"], "other messages keep their order")
        #expect(sm2.map(\.late) == [false, false])
        #expect(sm2.map(\.sequence) == [1, 2])
        #expect(out.filter { $0.event.messageSid == "SM0" }.map(\.sequence) == [1], "the duplicate is dropped")
        #expect(r.statistics.duplicates == 1)
        #expect(r.statistics.expiredStates == 0)
        #expect(r.states["SM0"] != nil)
        let future = out.filter { $0.event.messageSid == "SMfuture" }
        #expect(future.count == 1)
        #expect(future.first?.eventTimeImplausible == true)
        #expect(future.first?.event.receivedAt == Self.now + Self.tenYears, "the event itself is delivered unchanged")
        #expect(out.filter(\.eventTimeImplausible).count == 1)
        #expect(r.statistics.implausibleTimes == 1)
        #expect(r.watermark.map { $0 < Self.now + 60_000 } == true)
        // Retention counts from the time it stood in for, not from ten years ahead.
        #expect(r.states["SMfuture"]?.lastEventTime.map { $0 < Self.now + 60_000 } == true)
    }

    @Test func withoutTheCheckTheSameSequenceBreaksThePartition() {
        // What the check prevents (the defect as filed), so the test above can fail.
        var r = reorderer(ahead: nil)
        let out = runIssueSequence(&r)
        #expect(out.filter { $0.event.messageSid == "SM2" }.map(\.event.status) == ["delivered", "sent"])
        #expect(out.filter { $0.event.messageSid == "SM0" }.map(\.sequence) == [1, 1])
        #expect(r.statistics.implausibleTimes == 0)
    }

    @Test func itIsOrderedWithThePartitionsNewestPlausibleEvent() {
        var r = reorderer()
        var out: [ReleasedEvent] = []
        let now = Self.now
        r.add(TestEvents.make(sid: "SM1", status: "queued", at: now), offset: 0, now: 0, wallClock: now, into: &out)
        // Its message's delivered comes from a wrong clock, its sent from a right one: rank order holds.
        #expect(r.add(TestEvents.make(sid: "SM1", status: "delivered", at: now + Self.tenYears), offset: 1, now: 10, wallClock: now, into: &out) == .buffered)
        #expect(r.add(TestEvents.make(sid: "SM1", status: "sent", at: now + 100), offset: 2, now: 20, wallClock: now, into: &out) == .buffered)
        #expect(out.isEmpty)
        r.add(TestEvents.make(sid: "SM2", status: "queued", at: now + 3_100), offset: 3, now: 30, wallClock: now + 3_100, into: &out)
        #expect(out.map(\.event.status) == ["queued", "sent", "delivered"])
        #expect(out.map(\.eventTimeImplausible) == [false, false, true])
        #expect(out.map(\.sequence) == [1, 2, 3])
    }

    @Test func aPartitionWithNoPlausibleEventYetReleasesItAtOnce() {
        var r = reorderer()
        var out: [ReleasedEvent] = []
        #expect(r.add(TestEvents.make(sid: "SM1", status: "sent", at: Self.now + Self.tenYears), offset: 0, now: 0, wallClock: Self.now, into: &out) == .released)
        #expect(out.map(\.eventTimeImplausible) == [true])
        #expect(r.watermark == nil)
        #expect(r.committableOffset() == 1)
        // A whole partition of such events still flows (one ingress with a wrong clock).
        #expect(r.add(TestEvents.make(sid: "SM1", status: "delivered", at: Self.now + Self.tenYears + 1), offset: 1, now: 1, wallClock: Self.now, into: &out) == .released)
        #expect(out.map(\.event.status) == ["sent", "delivered"])
    }

    @Test func theLimitIsInclusiveAndCanBeTurnedOff() {
        let ahead: Int64 = 300_000
        var r = reorderer()
        var out: [ReleasedEvent] = []
        r.add(TestEvents.make(sid: "SM1", status: "sent", at: Self.now + ahead), offset: 0, now: 0, wallClock: Self.now, into: &out)
        #expect(r.statistics.implausibleTimes == 0)
        r.add(TestEvents.make(sid: "SM2", status: "sent", at: Self.now + ahead + 1), offset: 1, now: 0, wallClock: Self.now, into: &out)
        #expect(r.statistics.implausibleTimes == 1)
        // No clock given (tools, tests): no check.
        r.add(TestEvents.make(sid: "SM3", status: "sent", at: .max), offset: 2, now: 0, into: &out)
        #expect(r.statistics.implausibleTimes == 1)
        var off = reorderer(ahead: .zero)
        off.add(TestEvents.make(sid: "SM1", status: "sent", at: .max), offset: 0, now: 0, wallClock: Self.now, into: &out)
        #expect(off.statistics.implausibleTimes == 0)
        #expect(off.watermark == Int64.max - 3_000)
    }

    @Test func theReferenceIsTheEarlierOfTheClockAndTheRecordTimestamp() {
        #expect(PlausibilityClock.reference(wallClock: 1_000, recordTimestamp: 400) == 400)
        #expect(PlausibilityClock.reference(wallClock: 1_000, recordTimestamp: .max) == 1_000)
        #expect(PlausibilityClock.reference(wallClock: 1_000, recordTimestamp: nil) == 1_000)
        let clock = PlausibilityClock.now()
        #expect(clock > 1_700_000_000_000 && clock < 4_000_000_000_000)
    }

    @Test func theSettingReachesTheReorderer() throws {
        var defaults = ConfigurationResolver(layers: .init())
        #expect(try ConsumerConfiguration(resolving: &defaults).service.reorder.maxEventTimeAhead == .seconds(300))
        var flag = ConfigurationResolver(layers: .init(flags: ["max-event-time-ahead": .scalar("90s")]))
        #expect(try ConsumerConfiguration(resolving: &flag).service.reorder.maxEventTimeAhead == .seconds(90))
        var environment = ConfigurationResolver(layers: .init(environment: ["STATUSRELAY_MAX_EVENT_TIME_AHEAD": "0"]))
        #expect(try ConsumerConfiguration(resolving: &environment).service.reorder.maxEventTimeAhead == nil)
    }
}
