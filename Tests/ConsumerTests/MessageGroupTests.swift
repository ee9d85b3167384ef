import TestSupport
import Testing

@testable import Consumer

/// The sinks' one group-by-MessageSid: every event once, each message's events in batch order,
/// messages in order of their first event.
@Suite("Group a batch by MessageSid")
struct MessageGroupTests {
    @Test func groupsInFirstAppearanceOrderKeepingEachMessagesOrder() {
        let a = SinkTestFixtures.released("SMa", ["queued", "sent", "delivered"])
        let b = SinkTestFixtures.released("SMb", ["queued", "sent"])
        let c = SinkTestFixtures.released("SMc", ["failed"])
        let batch = [b[0], a[0], c[0], a[1], b[1], a[2]]
        #expect(
            MessageGroup.groups(of: batch) == [
                MessageGroup(messageSid: "SMb", indices: [0, 4]),
                MessageGroup(messageSid: "SMa", indices: [1, 3, 5]),
                MessageGroup(messageSid: "SMc", indices: [2]),
            ]
        )
        #expect(MessageGroup.groups(of: []).isEmpty)
    }

    @Test func everyEventIsInItsMessagesGroupOnce() {
        var generator = SeededGenerator(seed: 5)
        let messages = (0..<40).map { "SM\($0)" }
        let batch = (0..<1_000).map { index in
            SinkTestFixtures.released(messages.randomElement(using: &generator)!, ["sent"], firstSequence: index)[0]
        }
        let groups = MessageGroup.groups(of: batch)
        #expect(groups.flatMap(\.indices).sorted() == Array(batch.indices))
        #expect(Set(groups.map(\.messageSid)).count == groups.count)
        var firstSeen: [String] = []
        for released in batch where !firstSeen.contains(released.summary.messageSid) {
            firstSeen.append(released.summary.messageSid)
        }
        #expect(groups.map(\.messageSid) == firstSeen)
        for group in groups {
            #expect(group.indices == group.indices.sorted())
            #expect(group.indices.allSatisfy { batch[$0].summary.messageSid == group.messageSid })
        }
    }

    /// The SQL fold groups event by event through the same slots as `groups(of:)`.
    @Test func slotsNumberMessagesInFirstAppearanceOrder() {
        var slots = MessageGroup.Slots(capacity: 4)
        let seen = ["SMb", "SMa", "SMb", "SMc", "SMa"].map { slots.slot(for: $0) }
        #expect(seen.map(\.index) == [0, 1, 0, 2, 1])
        #expect(seen.map(\.isNew) == [true, true, false, true, false])
    }

    @Test func theFoldGroupsLikeTheBatchGrouping() {
        let a = SinkTestFixtures.released("SMa", ["queued", "sent", "delivered"])
        let b = SinkTestFixtures.released("SMb", ["queued", "sent"])
        let batch = [b[0], a[0], a[1], b[1], a[2]]
        let folded = MessageStatusUpdate.fold(batch)
        #expect(folded.map(\.messageSid) == MessageGroup.groups(of: batch).map(\.messageSid))
        #expect(folded.map(\.eventCount) == MessageGroup.groups(of: batch).map(\.indices.count))
    }
}
