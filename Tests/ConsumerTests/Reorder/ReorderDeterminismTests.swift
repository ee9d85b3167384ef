import Consumer
import StatusEvents
import Testing
import TestSupport

/// Issue 18, deterministic reordering: the reorderer's decisions depend only on the records in offset
/// order and the settings, never on batch boundaries or on whether a tick ran between two records
/// whose event times already decide the outcome.
@Suite struct ReorderDeterminismTests {
    static let lifecycles: [[String]] = [
        ["queued", "sent", "delivered"],
        ["accepted", "queued", "sending", "sent", "delivered", "read"],
        ["queued", "sent", "undelivered"],
        ["queued", "failed"],
        ["queued", "sending", "sent", "partially_delivered", "delivered"],
    ]

    /// One partition's records in offset order: lifecycles spread over `span` ms of event time, most
    /// events arriving within the window, some far later (late), with exact duplicates, some of them
    /// read again long after the state retention ran out, and copies of statuses from another source
    /// (Event Streams: another id), within the window or after it (cross-source duplicates).
    static func records(messages: Int, span: Int64, seed: UInt64) -> [StatusEvent] {
        var rng = SeededGenerator(seed: seed)
        var arrivals: [(arrivesAt: Int64, event: StatusEvent)] = []
        for index in 0..<messages {
            let sid = "SM\(index)"
            var time = Int64.random(in: 0..<span, using: &rng)
            for status in lifecycles.randomElement(using: &rng)! {
                time += Int64.random(in: 1..<1_500, using: &rng)
                let delay: Int64 = Int.random(in: 0..<8, using: &rng) == 0
                    ? Int64.random(in: 3_000..<20_000, using: &rng) : Int64.random(in: 0..<1_500, using: &rng)
                arrivals.append((time + delay, TestEvents.make(sid: sid, status: status, at: time)))
            }
        }
        for _ in 0..<(messages / 2) {
            let copy = arrivals.randomElement(using: &rng)!
            arrivals.append((copy.arrivesAt + Int64.random(in: 0..<180_000, using: &rng), copy.event))
        }
        for _ in 0..<(messages / 2) {
            let copy = arrivals.randomElement(using: &rng)!
            var event = copy.event
            event.source = .eventStreams
            event.id = "es-" + event.id
            arrivals.append((copy.arrivesAt + Int64.random(in: 0..<5_000, using: &rng), event))
        }
        arrivals.sort { ($0.arrivesAt, $0.event.id) < ($1.arrivesAt, $1.event.id) }
        return arrivals.map(\.event)
    }

    static let configuration = ReorderConfiguration(
        window: .seconds(2), maxBufferedEvents: 1_000_000, stateRetention: .seconds(60)
    )

    struct Outcome: Equatable {
        var released: [String]
        var duplicates: Int
        var crossSource: Int
        var late: Int
        var expired: Int
    }

    /// Feeds `records` in batches of `batchSize`; after each batch a tick at the clock of a consumer
    /// reading a backlog (it moves with the records, the partition is not live).
    static func run(_ records: [StatusEvent], batchSize: Int?) -> Outcome {
        var r = PartitionReorderer(topic: "t", partition: 0, configuration: configuration)
        var out: [ReleasedEvent] = []
        var start = 0
        while start < records.count {
            let end = min(start + (batchSize ?? records.count), records.count)
            // The clock a backlog reader would see: the batch's newest event time.
            let now = batchSize == nil ? 0 : records[start..<end].map(\.receivedAt).max()!
            for offset in start..<end {
                r.add(records[offset], offset: Int64(offset), now: now, into: &out)
            }
            if batchSize != nil { r.advance(now: now, into: &out) }
            start = end
        }
        r.advance(now: .max, into: &out)
        return Outcome(
            released: out.map { "\($0.event.id)#\($0.sequence)#\($0.late)#\($0.offset)" },
            duplicates: r.statistics.duplicates, crossSource: r.statistics.crossSourceDuplicates, late: r.statistics.late,
            expired: r.statistics.expiredStates
        )
    }

    @Test(arguments: [UInt64(1), 2, 3])
    func batchBoundariesChangeNothing(seed: UInt64) {
        let records = Self.records(messages: 5_000, span: 600_000, seed: seed)
        #expect(records.count > 20_000)
        let replay = Self.run(records, batchSize: nil)
        // The records must exercise every decision, or this test proves nothing.
        #expect(replay.late > 100)
        #expect(replay.duplicates > 100)
        #expect(replay.crossSource > 100)
        #expect(replay.expired > 100)
        let ids = replay.released.map { $0.split(separator: "#")[0] }
        #expect(ids.count > Set(ids).count, "some duplicates come after their state expired")
        for batchSize in [1, 7, 500, 20_000] {
            let outcome = Self.run(records, batchSize: batchSize)
            #expect(outcome.duplicates == replay.duplicates, "batches of \(batchSize)")
            #expect(outcome.crossSource == replay.crossSource, "batches of \(batchSize)")
            #expect(outcome.late == replay.late, "batches of \(batchSize)")
            #expect(outcome.expired == replay.expired, "batches of \(batchSize)")
            #expect(outcome.released == replay.released, "batches of \(batchSize)")
        }
    }

    @Test(arguments: [false, true])
    func aDuplicateAfterTheRetentionIsJudgedTheSameWithOrWithoutAScan(scan: Bool) {
        var r = PartitionReorderer(topic: "t", partition: 0, configuration: Self.configuration)
        var out: [ReleasedEvent] = []
        r.add(TestEvents.make(sid: "SM1", status: "sent", at: 0), offset: 0, now: 0, into: &out)
        r.add(TestEvents.make(sid: "SM2", status: "sent", at: 70_000), offset: 1, now: 0, into: &out)
        if scan { r.expireStates() }
        // SM1's state is past the retention either way: the event starts the message afresh.
        #expect(r.add(TestEvents.make(sid: "SM1", status: "sent", at: 0), offset: 2, now: 0, into: &out) != .duplicate)
        #expect(r.statistics.expiredStates == 1)
        r.advance(now: .max, into: &out)
        #expect(out.filter { $0.event.messageSid == "SM1" }.map(\.sequence) == [1, 1])
    }

    /// The case of issue 18: a partition's first far-later record is the late status of a message
    /// whose higher status is still buffered. A clock tick that released the buffered status first
    /// must not change the outcome.
    @Test(arguments: [false, true])
    func aLateStatusIsLateWhetherOrNotATickCameFirst(tick: Bool) {
        var r = PartitionReorderer(topic: "t", partition: 0, configuration: ReorderConfiguration(window: .seconds(2)))
        var out: [ReleasedEvent] = []
        r.add(TestEvents.make(sid: "SM1", status: "queued", at: 1_000), offset: 0, now: 1_000, into: &out)
        r.add(TestEvents.make(sid: "SM1", status: "delivered", at: 1_100), offset: 1, now: 1_100, into: &out)
        if tick {
            // Live: the partition is caught up and the clock moves on.
            r.advance(now: 3_200, fetchedEnd: 2, into: &out)
            #expect(out.map(\.event.status) == ["queued", "delivered"])
        }
        // The withheld sent arrives 5 s later, stamped then: its own time passes delivered.
        #expect(r.add(TestEvents.make(sid: "SM1", status: "sent", at: 6_000), offset: 2, now: 6_000, into: &out) == .late)
        r.advance(now: .max, into: &out)
        #expect(out.map(\.event.status) == ["queued", "delivered", "sent"])
        #expect(out.map(\.late) == [false, false, true])
        #expect(out.map(\.sequence) == [1, 2, 3])
    }
}
