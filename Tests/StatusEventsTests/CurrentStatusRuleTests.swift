import StatusEvents
import TestSupport
import Testing

@Suite struct CurrentStatusRuleTests {
    typealias Key = CurrentStatusRule.Key

    static func key(_ status: String, _ time: Int64, _ id: String = "e") -> Key {
        Key(status: status, statusTime: time, eventID: id)
    }

    @Test func aHigherRankAlwaysWins() {
        // `read` beats every final status, whatever the times.
        for final in ["delivered", "undelivered", "failed", "canceled"] {
            #expect(CurrentStatusRule.replaces(Self.key(final, 9_000), with: Self.key("read", 1)))
            #expect(!CurrentStatusRule.replaces(Self.key("read", 1), with: Self.key(final, 9_000)))
        }
        #expect(CurrentStatusRule.replaces(Self.key("sent", 50), with: Self.key("delivered", 10)))
        #expect(CurrentStatusRule.replaces(nil, with: Self.key("queued", 0)))
    }

    @Test func theSameRankTakesTheLaterStatusTime() {
        #expect(CurrentStatusRule.replaces(Self.key("delivered", 10), with: Self.key("failed", 11)))
        #expect(!CurrentStatusRule.replaces(Self.key("failed", 11), with: Self.key("delivered", 10)))
        #expect(CurrentStatusRule.replaces(Self.key("undelivered", -5), with: Self.key("canceled", Int64.max)))
        #expect(!CurrentStatusRule.replaces(Self.key("canceled", Int64.min), with: Self.key("undelivered", Int64.min)))
    }

    @Test func anEqualTimeIsBrokenByTheEventIdInByteOrder() {
        // Byte order, not a locale's: "B" (0x42) < "a" (0x61); NFC "é" (0xC3 0xA9) > NFD "e\u{301}".
        #expect(CurrentStatusRule.replaces(Self.key("delivered", 10, "B"), with: Self.key("failed", 10, "a")))
        #expect(!CurrentStatusRule.replaces(Self.key("failed", 10, "a"), with: Self.key("delivered", 10, "B")))
        #expect(CurrentStatusRule.replaces(Self.key("failed", 10, "e\u{301}"), with: Self.key("failed", 10, "\u{E9}")))
        #expect(Self.key("failed", 10, "e\u{301}") != Self.key("failed", 10, "\u{E9}"))
        // The same event does not replace itself.
        #expect(!CurrentStatusRule.replaces(Self.key("failed", 10, "a"), with: Self.key("failed", 10, "a")))
    }

    @Test func unrankedStatusesAreBelowEveryRank() {
        #expect(CurrentStatusRule.replaces(Self.key("received", 100), with: Self.key("accepted", 1)))
        #expect(!CurrentStatusRule.replaces(Self.key("accepted", 1), with: Self.key("mystery", 100)))
        #expect(CurrentStatusRule.replaces(Self.key("receiving", 1), with: Self.key("received", 2)))
        #expect(MessageLifecycle.ranks.values.allSatisfy { $0 > CurrentStatusRule.unrankedRank })
    }

    /// The rank comes from the status, never from a record's claim.
    @Test func theRankComesFromTheStatus() {
        var event = StatusEvent(id: "x", messageSid: "SM1", accountSid: "AC1", status: "sent", statusRank: 1000, receivedAt: 5)
        #expect(CurrentStatusRule.key(of: event).rank == 40)
        #expect(CurrentStatusRule.key(of: StatusEventSummary(event)).rank == 40)
        event.status = "Delivered"
        #expect(CurrentStatusRule.key(of: event).rank == 60)
    }

    /// The time compared is `StatusEvent.statusTime`: Twilio's where the event has one.
    @Test func theTimeIsTheStatusTime() {
        let callback = StatusEvent(id: "a", messageSid: "SM1", accountSid: "AC1", status: "failed", statusRank: 60, receivedAt: 50)
        let reconciled = StatusEvent(
            id: "b", messageSid: "SM1", accountSid: "AC1", status: "delivered", statusRank: 60, receivedAt: 90,
            twilioDateUpdated: 40, source: .reconciliation
        )
        #expect(CurrentStatusRule.key(of: reconciled).statusTime == reconciled.statusTime)
        #expect(CurrentStatusRule.key(of: StatusEventSummary(reconciled)).statusTime == 40)
        #expect(!CurrentStatusRule.replaces(CurrentStatusRule.key(of: callback), with: CurrentStatusRule.key(of: reconciled)))
    }

    /// The greatest key is the same whatever the order: the current status does not depend on it.
    @Test func theResultDoesNotDependOnTheOrder() {
        let statuses = ["queued", "sent", "delivered", "undelivered", "failed", "canceled", "read", "received", "x"]
        var generator = SeededGenerator(seed: 3)
        for _ in 0..<300 {
            var keys = (0..<Int.random(in: 1...8, using: &generator)).map { index in
                Self.key(statuses.randomElement(using: &generator)!, Int64.random(in: 0...2, using: &generator), "id\(index)")
            }
            var results: Set<Key> = []
            for _ in 0..<5 {
                keys.shuffle(using: &generator)
                var current: Key?
                for key in keys where CurrentStatusRule.replaces(current, with: key) { current = key }
                results.insert(current!)
            }
            #expect(results.count == 1)
        }
    }
}
