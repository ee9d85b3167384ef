import Consumer
import Foundation
import StatusEvents
import Testing

@Suite struct ReordererTests {
    @Test func fullBufferReleasesTheOldestEarlyKeepingMessageOrder() {
        var r = Reorderer(topic: "t", configuration: ReorderConfiguration(window: .seconds(60), maxBufferedEvents: 3))
        var out: [ReleasedEvent] = []
        r.add(TestEvents.make(sid: "SM1", status: "sent", at: 1_000), from: 0, offset: 0, now: 0, into: &out)
        r.add(TestEvents.make(sid: "SM1", status: "queued", at: 1_500), from: 0, offset: 1, now: 0, into: &out)
        r.add(TestEvents.make(sid: "SM2", status: "queued", at: 1_200), from: 1, offset: 0, now: 0, into: &out)
        #expect(out.isEmpty)
        r.add(TestEvents.make(sid: "SM3", status: "queued", at: 2_000), from: 1, offset: 1, now: 0, into: &out)
        // SM1 sent is the oldest; its lower-ranked queued goes with it, in rank order.
        #expect(out.map(\.event.id) == ["SM1-queued", "SM1-sent"])
        #expect(r.bufferedCount == 2)
        #expect(r.statistics.earlyReleased == 2)
        #expect(r.committableOffset(0) == 2)
        #expect(r.committableOffset(1) == 0)
    }

    @Test func revokeDropsBufferedEventsAndKeepsStatistics() {
        var r = Reorderer(topic: "t", configuration: ReorderConfiguration())
        var out: [ReleasedEvent] = []
        r.add(TestEvents.make(sid: "SM1", status: "sent", at: 1_000), from: 2, offset: 5, now: 0, into: &out)
        r.add(TestEvents.make(sid: "SM1", status: "sent", at: 1_000), from: 2, offset: 6, now: 0, into: &out)
        #expect(r.revoke(2) == 1)
        #expect(!r.owns(2))
        #expect(r.bufferedCount == 0)
        #expect(r.statistics.duplicates == 1)
        #expect(r.committableOffset(2) == nil)
    }

    @Test func bufferedCountFollowsAddsReleasesAndReassignment() {
        var r = Reorderer(topic: "t", configuration: ReorderConfiguration(window: .seconds(60)))
        var out: [ReleasedEvent] = []
        r.add(TestEvents.make(sid: "SM1", status: "sent", at: 1_000), from: 0, offset: 0, now: 0, into: &out)
        r.add(TestEvents.make(sid: "SM2", status: "sent", at: 1_000), from: 1, offset: 0, now: 0, into: &out)
        r.add(TestEvents.make(sid: "SM3", status: "sent", at: 1_000), from: 1, offset: 1, now: 0, into: &out)
        #expect(r.bufferedCount == 3)
        // Assigned again (a rebalance gave it back): its buffered events are gone.
        r.assign(1, states: [:])
        #expect(r.bufferedCount == 1)
        r.advance(now: .max, into: &out)
        #expect(out.map(\.event.id) == ["SM1-sent"])
        #expect(r.bufferedCount == 0)
    }

    @Test func assignRestoresStates() {
        var r = Reorderer(topic: "t", configuration: ReorderConfiguration(window: .zero))
        r.assign(4, states: ["SM1": MessageState(lastRank: 60, lastStatus: "delivered", sequence: 2, recentEventIDs: [])])
        var out: [ReleasedEvent] = []
        #expect(r.add(TestEvents.make(sid: "SM1", status: "sent", at: 1), from: 4, offset: 0, now: 0, into: &out) == .late)
        #expect(out.first?.sequence == 3)
        #expect(r.takeDirtyStates()[4]?["SM1"]?.sequence == 3)
    }

    @Test func messageStateJSONIsCompactAndRoundTrips() throws {
        let state = MessageState(lastRank: 60, lastStatus: "delivered", sequence: 3, recentEventIDs: ["a", "b"])
        let data = try JSONEncoder().encode(state)
        let object = try JSONSerialization.jsonObject(with: data) as? [String: Any]
        #expect(Set(object?.keys.map { $0 } ?? []) == ["rank", "status", "seq", "ids"])
        #expect(try JSONDecoder().decode(MessageState.self, from: data) == state)
    }
}
