import Consumer
import StatusEvents
import Testing
import TestSupport

/// Random lifecycles, shuffled within the window, with duplicates injected: every message's events
/// come out exactly once, in rank order, with sequences 1...n; events delayed beyond the window come
/// out late, and a state sink applying the released stream never moves a message backwards.
@Suite struct ReordererPropertyTests {
    static let lifecycles: [[String]] = [
        ["queued", "sent", "delivered"],
        ["accepted", "queued", "sending", "sent", "delivered", "read"],
        ["queued", "sent", "undelivered"],
        ["queued", "failed"],
        ["scheduled", "queued", "sent", "delivered"],
        ["accepted", "canceled"],
        ["queued", "sending", "sent", "partially_delivered", "delivered"],
    ]

    struct Arrival {
        var event: StatusEvent
        var arrivesAt: Int64
    }

    /// Generates `messages` lifecycles; each event arrives `delay` after its event time, where delay is
    /// drawn by `delay`.
    static func arrivals(
        messages: Int,
        duplicates: Int,
        using rng: inout SeededGenerator,
        delay: (inout SeededGenerator) -> Int64
    ) -> (arrivals: [Arrival], expected: [String: [String]]) {
        var arrivals: [Arrival] = []
        var expected: [String: [String]] = [:]
        for index in 0..<messages {
            let sid = "SM\(index)"
            let lifecycle = lifecycles.randomElement(using: &rng)!
            var time = Int64.random(in: 0..<60_000, using: &rng)
            for status in lifecycle {
                time += Int64.random(in: 1..<1_500, using: &rng)
                let event = TestEvents.make(sid: sid, status: status, at: time)
                arrivals.append(Arrival(event: event, arrivesAt: time + delay(&rng)))
            }
            expected[sid] = lifecycle.map { "\(sid)-\($0)" }
        }
        for _ in 0..<duplicates {
            var copy = arrivals.randomElement(using: &rng)!
            copy.arrivesAt += Int64.random(in: 0..<5_000, using: &rng)
            arrivals.append(copy)
        }
        arrivals.sort { ($0.arrivesAt, $0.event.id) < ($1.arrivesAt, $1.event.id) }
        return (arrivals, expected)
    }

    /// Feeds arrivals with the wall clock equal to arrival time, ticking every 100 ms, then drains.
    static func run(_ arrivals: [Arrival], window: Duration, partitions: Int32 = 3) -> (out: [ReleasedEvent], reorderer: Reorderer) {
        var reorderer = Reorderer(topic: "t", configuration: ReorderConfiguration(window: window))
        var out: [ReleasedEvent] = []
        var nextTick: Int64 = 0
        for (offset, arrival) in arrivals.enumerated() {
            while nextTick < arrival.arrivesAt {
                reorderer.advance(now: nextTick, into: &out)
                nextTick += 100
            }
            let partition = Int32(abs(arrival.event.messageSid.hashValue) % Int(partitions))
            reorderer.add(arrival.event, from: partition, offset: Int64(offset), now: arrival.arrivesAt, into: &out)
        }
        reorderer.advance(now: (arrivals.last?.arrivesAt ?? 0) + 1_000_000, into: &out)
        return (out, reorderer)
    }

    @Test(arguments: 0..<40)
    func shuffledWithinTheWindowComesOutOnceInOrder(seed: Int) throws {
        var rng = SeededGenerator(seed: UInt64(seed) &* 7919 &+ 1)
        let (arrivals, expected) = Self.arrivals(messages: 60, duplicates: 40, using: &rng) { rng in
            Int64.random(in: 0..<2_999, using: &rng)
        }
        // The shuffle must actually reorder something, or the test proves nothing.
        #expect(arrivals.indices.dropFirst().contains { index in
            let previous = arrivals[index - 1].event, current = arrivals[index].event
            return previous.messageSid == current.messageSid && (previous.statusRank ?? 0) > (current.statusRank ?? 0)
        } || seed > 0)
        let (out, reorderer) = Self.run(arrivals, window: .seconds(3))

        var byMessage: [String: [ReleasedEvent]] = [:]
        for released in out { byMessage[released.event.messageSid, default: []].append(released) }
        #expect(byMessage.count == expected.count)
        for (sid, ids) in expected {
            let got = byMessage[sid] ?? []
            #expect(got.map(\.event.id) == ids, "message \(sid)")
            #expect(got.map(\.sequence) == Array(1...ids.count), "message \(sid)")
            #expect(got.allSatisfy { !$0.late }, "message \(sid)")
        }
        #expect(reorderer.statistics.duplicates == 40)
        #expect(reorderer.bufferedCount == 0)
    }

    @Test(arguments: 0..<40)
    func delayedBeyondTheWindowIsLateAndNeverRegressesState(seed: Int) throws {
        var rng = SeededGenerator(seed: UInt64(seed) &* 104_729 &+ 3)
        let (arrivals, expected) = Self.arrivals(messages: 60, duplicates: 20, using: &rng) { rng in
            // Most events in time, some held back far beyond the window.
            Bool.random(using: &rng) && Int.random(in: 0..<5, using: &rng) == 0
                ? Int64.random(in: 4_000..<20_000, using: &rng) : Int64.random(in: 0..<2_999, using: &rng)
        }
        let (out, _) = Self.run(arrivals, window: .seconds(3))

        // A state sink model: apply only non-late events whose rank is at least the current one.
        var current: [String: Int] = [:]
        var seen: [String: [String]] = [:]
        var lateCount = 0
        for released in out {
            let sid = released.event.messageSid
            let rank = try #require(released.event.statusRank)
            seen[sid, default: []].append(released.event.id)
            #expect(released.sequence == seen[sid]!.count)
            if released.late {
                lateCount += 1
                #expect(rank <= current[sid] ?? .min, "late event above current state: \(released.event.id)")
            } else {
                // Released non-late events never go backwards.
                #expect(rank >= current[sid] ?? .min, "regression at \(released.event.id)")
                current[sid] = rank
            }
        }
        for (sid, ids) in expected {
            #expect(Set(seen[sid] ?? []) == Set(ids), "message \(sid): each event exactly once")
            #expect(seen[sid]?.count == ids.count)
            let top = ids.compactMap { MessageLifecycle.rank(of: String($0.split(separator: "-").last!)) }.max()
            #expect(current[sid] == top, "message \(sid) ends at its highest rank")
        }
        #expect(lateCount > 0, "the delays must produce late events, or this test proves nothing")
    }

    @Test func replayingOldDataReordersLikeLive() {
        var rng = SeededGenerator(seed: 42)
        let (arrivals, _) = Self.arrivals(messages: 80, duplicates: 10, using: &rng) { rng in
            Int64.random(in: 0..<2_999, using: &rng)
        }
        let live = Self.run(arrivals, window: .seconds(3)).out
        // Replay: the same events in the same topic order, delivered as fast as possible.
        var replay = Reorderer(topic: "t", configuration: ReorderConfiguration(window: .seconds(3)))
        var out: [ReleasedEvent] = []
        for (offset, arrival) in arrivals.enumerated() {
            let partition = Int32(abs(arrival.event.messageSid.hashValue) % 3)
            replay.add(arrival.event, from: partition, offset: Int64(offset), now: 0, into: &out)
        }
        replay.advance(now: 1_000_000, into: &out)
        func perMessage(_ events: [ReleasedEvent]) -> [String: [String]] {
            var result: [String: [String]] = [:]
            for e in events { result[e.event.messageSid, default: []].append("\(e.event.id)#\(e.sequence)#\(e.late)") }
            return result
        }
        #expect(perMessage(out) == perMessage(live))
    }
}
