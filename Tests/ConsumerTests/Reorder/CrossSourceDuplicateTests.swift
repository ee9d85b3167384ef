import Foundation
@testable import Consumer
import StatusEvents
import Testing

/// Issue 17 §2: the same status of a message from two sources (status callback, Event Streams,
/// reconciliation) is one status change: the second copy is a cross-source duplicate, not a late
/// event and not a second history row.
@Suite struct CrossSourceDuplicateTests {
    static func event(_ status: String, from source: StatusEvent.Source, at time: Int64, id: String? = nil) -> StatusEvent {
        var event = TestEvents.make(sid: "SM1", status: status, at: time, id: id ?? "\(source.rawValue)-\(status)-\(time)")
        event.source = source
        return event
    }

    func reorderer(window: Duration = .zero, states: [String: MessageState] = [:]) -> PartitionReorderer {
        PartitionReorderer(topic: "t", partition: 0, configuration: ReorderConfiguration(window: window), states: states)
    }

    @Test func releasedStatusFromAnotherSourceIsACrossSourceDuplicate() {
        var r = reorderer()
        var out: [ReleasedEvent] = []
        #expect(r.add(Self.event("sent", from: .statusCallback, at: 1_000), offset: 0, now: 0, into: &out) == .released)
        #expect(r.add(Self.event("delivered", from: .statusCallback, at: 2_000), offset: 1, now: 0, into: &out) == .released)
        // Event Streams tells the same two changes: different ids, same statuses.
        #expect(r.add(Self.event("delivered", from: .eventStreams, at: 2_100), offset: 2, now: 0, into: &out) == .crossSourceDuplicate)
        #expect(r.add(Self.event("sent", from: .eventStreams, at: 2_200), offset: 3, now: 0, into: &out) == .crossSourceDuplicate)
        #expect(out.map(\.event.status) == ["sent", "delivered"])
        #expect(r.statistics.crossSourceDuplicates == 2)
        #expect(r.statistics.late == 0)
        #expect(r.statistics.duplicates == 0)
        #expect(r.statistics.released == 2)
        #expect(r.committableOffset() == 4)
        // A status the message does not have yet, from the other source, is new.
        #expect(r.add(Self.event("read", from: .eventStreams, at: 3_000), offset: 4, now: 0, into: &out) == .released)
        #expect(out.map(\.sequence) == [1, 2, 3])
    }

    @Test func bufferedStatusFromAnotherSourceIsACrossSourceDuplicate() {
        var r = reorderer(window: .seconds(3))
        var out: [ReleasedEvent] = []
        #expect(r.add(Self.event("delivered", from: .eventStreams, at: 1_000), offset: 0, now: 0, into: &out) == .buffered)
        #expect(r.add(Self.event("delivered", from: .statusCallback, at: 1_050), offset: 1, now: 0, into: &out) == .crossSourceDuplicate)
        r.advance(now: .max, into: &out)
        #expect(out.map(\.event.source) == [.eventStreams])
        #expect(out.allSatisfy { !$0.late })
        #expect(r.statistics.crossSourceDuplicates == 1)
    }

    /// A callback's `read` carries `EventType=READ`, Event Streams' `read` does not: the same status.
    @Test func readWithEventTypeIsTheSameStatus() {
        var r = reorderer()
        var out: [ReleasedEvent] = []
        var read = Self.event("read", from: .statusCallback, at: 1_000)
        read.eventType = "READ"
        #expect(r.add(read, offset: 0, now: 0, into: &out) == .released)
        #expect(r.add(Self.event("read", from: .eventStreams, at: 1_100), offset: 1, now: 0, into: &out) == .crossSourceDuplicate)
        #expect(out.count == 1)
    }

    /// Unchanged: another event of the same status from the same source (another id: different
    /// content) is a distinct event, recorded in history, flagged late.
    @Test func sameStatusFromTheSameSourceWithAnotherIDIsStillAnEvent() {
        var r = reorderer()
        var out: [ReleasedEvent] = []
        r.add(Self.event("delivered", from: .statusCallback, at: 1_000), offset: 0, now: 0, into: &out)
        #expect(r.add(Self.event("delivered", from: .statusCallback, at: 1_500), offset: 1, now: 0, into: &out) == .late)
        // Once a status came from two sources (the second copy as a distinct event of its own
        // source), a third source's copy is still a cross-source duplicate.
        #expect(r.add(Self.event("delivered", from: .eventStreams, at: 1_600), offset: 2, now: 0, into: &out) == .crossSourceDuplicate)
        #expect(out.map(\.late) == [false, true])
        #expect(r.statistics.late == 1)
    }

    @Test func reconciliationOfAStatusWeHaveIsAConfirmation() {
        var r = reorderer()
        var out: [ReleasedEvent] = []
        r.add(Self.event("sent", from: .statusCallback, at: 1_000), offset: 0, now: 0, into: &out)
        _ = r.takeDirtyStates()
        #expect(r.add(Self.event("sent", from: .reconciliation, at: 900_000), offset: 1, now: 0, into: &out) == .crossSourceDuplicate)
        #expect(out.count == 2)
        let confirmation = out[1]
        #expect(confirmation.isConfirmation)
        #expect(!confirmation.late)
        #expect(confirmation.summary.source == .reconciliation)
        #expect(confirmation.sequence == 1)
        #expect(r.statistics.released == 1)
        #expect(r.statistics.crossSourceDuplicates == 1)
        // The message's state is unchanged: nothing to write.
        #expect(r.takeDirtyStates().isEmpty)
        // A later run (Twilio's date_updated unchanged or not) confirms again, never as a late event.
        #expect(r.add(Self.event("sent", from: .reconciliation, at: 1_800_000), offset: 2, now: 0, into: &out) == .crossSourceDuplicate)
        #expect(out.filter(\.isConfirmation).count == 2)
        #expect(r.statistics.late == 0)
        // A status reconciliation recovered makes the callback that comes after it a duplicate.
        #expect(r.add(Self.event("delivered", from: .reconciliation, at: 2_000_000), offset: 3, now: 0, into: &out) == .released)
        #expect(r.add(Self.event("delivered", from: .statusCallback, at: 2_000_100), offset: 4, now: 0, into: &out) == .crossSourceDuplicate)
        #expect(out.filter { !$0.isConfirmation }.map(\.event.status) == ["sent", "delivered"])
    }

    /// The released statuses and their sources are part of the durable state: a consumer that
    /// restores it from the changelog still tells the copy from a new event.
    @Test func releasedStatusesSurviveARestartThroughTheChangelogForm() throws {
        var r = reorderer()
        var out: [ReleasedEvent] = []
        r.add(Self.event("sent", from: .statusCallback, at: 1_000), offset: 0, now: 0, into: &out)
        r.add(Self.event("delivered", from: .eventStreams, at: 2_000), offset: 1, now: 0, into: &out)
        let state = try #require(r.takeDirtyStates()["SM1"])
        // sent (position 4) by status callback (1), delivered (position 6) by Event Streams (2).
        #expect(state.releasedSources.bits == 1 << 12 | 2 << 18)
        let bytes = state.jsonBytes()
        #expect(String(decoding: bytes, as: UTF8.self).hasSuffix(#","rel":\#(1 << 12 | 2 << 18)}"#))
        let restored = try JSONDecoder().decode(MessageState.self, from: Data(bytes))
        #expect(restored == state)

        var after = reorderer(states: ["SM1": restored])
        #expect(after.add(Self.event("delivered", from: .statusCallback, at: 3_000), offset: 2, now: 0, into: &out) == .crossSourceDuplicate)
        #expect(after.add(Self.event("sent", from: .eventStreams, at: 3_100), offset: 3, now: 0, into: &out) == .crossSourceDuplicate)
        // A state written before this field existed decodes with none.
        let old = try JSONDecoder().decode(MessageState.self, from: Data(#"{"seq":2,"rank":60,"status":"delivered","ids":["a"]}"#.utf8))
        #expect(old.releasedSources.bits == 0 && old.sequence == 2)
    }

    /// Statuses Twilio does not document are not tracked (they pass through unranked anyway).
    @Test func untrackedStatusesAreNotCrossSourceDuplicates() {
        var r = reorderer()
        var out: [ReleasedEvent] = []
        let long = String(repeating: "x", count: 100)
        #expect(r.add(Self.event(long, from: .statusCallback, at: 20), offset: 0, now: 0, into: &out) == .released)
        #expect(r.add(Self.event(long, from: .eventStreams, at: 21), offset: 1, now: 0, into: &out) == .released)
        #expect(r.states["SM1"]?.releasedSources.bits == 0)
        // Every tracked status has its own three bits.
        #expect(ReleasedSources.statuses.count * 3 <= 64)
        #expect(Set(MessageLifecycle.ranks.keys).union(MessageLifecycle.unrankedKnownStatuses) == Set(ReleasedSources.statuses))
    }
}
