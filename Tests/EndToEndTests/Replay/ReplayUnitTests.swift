import Consumer
import Operations
import StatusEvents
import Testing

/// The pure parts of replay: positions, range planning, progress line, dry-run arithmetic.
@Suite("Replay (pure)")
struct ReplayUnitTests {
    @Test func positions() throws {
        #expect(try ReplayPosition.parse("earliest") == .earliest)
        #expect(try ReplayPosition.parse("latest") == .latest)
        #expect(try ReplayPosition.parse("0:1234,1:99") == .offsets([0: 1234, 1: 99]))
        #expect(try ReplayPosition.parse("2026-11-29T13:00:00Z") == .time(1_795_957_200_000))
        #expect(try ReplayPosition.parse("2026-11-29T13:00:00.250Z") == .time(1_795_957_200_250))
        for bad in ["yesterday", "0:1:2", "0:-5", "1:2,1:3", ""] {
            #expect(throws: ReplayError.self) { try ReplayPosition.parse(bad) }
        }
    }

    @Test func plans() throws {
        let watermarks: [Int32: (low: Int64, high: Int64)] = [0: (10, 100), 1: (0, 50), 2: (5, 5)]
        #expect(
            try ReplayRange.plan(from: .earliest, to: nil, watermarks: watermarks)
                == [ReplayRange(partition: 0, start: 10, end: 100), ReplayRange(partition: 1, start: 0, end: 50), ReplayRange(partition: 2, start: 5, end: 5)]
        )
        // Offsets below the low watermark are clamped; unlisted partitions are not read.
        #expect(
            try ReplayRange.plan(from: .offsets([0: 3, 1: 20]), to: .offsets([1: 30]), watermarks: watermarks)
                == [ReplayRange(partition: 0, start: 10, end: 100), ReplayRange(partition: 1, start: 20, end: 30)]
        )
        // offsets-for-times: -1 means the end.
        #expect(
            try ReplayRange.plan(
                from: .time(1), to: .time(2), watermarks: watermarks,
                fromTimeOffsets: [0: 40, 1: -1, 2: -1], toTimeOffsets: [0: 60, 1: -1, 2: -1]
            ) == [ReplayRange(partition: 0, start: 40, end: 60), ReplayRange(partition: 1, start: 50, end: 50), ReplayRange(partition: 2, start: 5, end: 5)]
        )
        #expect(throws: ReplayError.self) { try ReplayRange.plan(from: .offsets([9: 0]), to: nil, watermarks: watermarks) }
    }

    @Test func progressLine() {
        let line = ReplayProgress(done: 45_000, total: 100_000, elapsedSeconds: 4.5).render(width: 10)
        #expect(line == "[####......] 45,000/100,000 events  10,000/s  ETA 6s")
        #expect(ReplayProgress(done: 0, total: 10, elapsedSeconds: 0).render(width: 4) == "[....] 0/10 events  0/s  ETA --")
    }

    @Test func dryRunArithmetic() throws {
        func released(_ sid: String, _ id: String, _ status: String, at time: Int64 = 0) -> ReleasedEvent {
            ReleasedEvent(
                event: StatusEvent(id: id, messageSid: sid, accountSid: "AC", status: status, statusRank: MessageLifecycle.rank(of: status), receivedAt: time),
                sequence: 1, late: false, topic: "t", partition: 0, offset: 0
            )
        }
        var dryRun = ReplayDryRun()
        dryRun.add([
            released("SM1", "a", "sent"), released("SM1", "b", "delivered"),  // stored: sent → delivered
            released("SM2", "c", "sent"), released("SM2", "d", "queued"),  // stored: sent; queued is new but lower
            released("SM3", "e", "delivered"),  // fully stored
            released("SM4", "f", "queued"),  // new message
            released("SM5", "g", "failed", at: 5),  // stored: delivered at 0; failed later, the same rank
            released("SM6", "h", "failed", at: -5),  // stored: delivered at 0; failed earlier
        ])
        func key(_ status: String, _ id: String) -> (String, CurrentStatusRule.Key) {
            (status, CurrentStatusRule.Key(status: status, statusTime: 0, eventID: id))
        }
        let summary = dryRun.summarize(
            existingEventIDs: ["a", "c", "e"],
            current: ["SM1": key("sent", "a"), "SM2": key("sent", "c"), "SM3": key("delivered", "e"), "SM5": key("delivered", "x"), "SM6": key("delivered", "x")],
            sampleSize: 10, comparedWith: "sqlite:x"
        )
        #expect(summary.messages == 6)
        #expect(summary.newEvents == 5)
        #expect(summary.messagesChangingState == 3)
        #expect(summary.messagesGainingHistoryOnly == 2)
        #expect(summary.sample.map(\.messageSid) == ["SM1", "SM4", "SM5"])
        #expect(summary.sample.first?.currentStatus == "sent" && summary.sample.first?.newStatus == "delivered")
    }
}
