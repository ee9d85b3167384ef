import StatusEvents
import Testing

@Suite struct MessageLifecycleTests {
    @Test func ranksFollowTheDocumentedLifecycle() throws {
        let order = ["accepted", "queued", "sending", "sent", "partially_delivered", "delivered", "read"]
        let ranks = try order.map { try #require(MessageLifecycle.rank(of: $0)) }
        #expect(ranks == ranks.sorted())
        #expect(Set(ranks).count == ranks.count)
    }

    @Test(arguments: ["delivered", "undelivered", "failed", "canceled"])
    func finalStatusesShareARank(status: String) {
        #expect(MessageLifecycle.rank(of: status) == MessageLifecycle.rank(of: "delivered"))
        #expect(MessageLifecycle.rank(of: status.uppercased()) == MessageLifecycle.rank(of: status))
    }

    @Test func inboundAndUnknownStatusesAreUnranked() {
        #expect(MessageLifecycle.rank(of: "received") == nil)
        #expect(MessageLifecycle.rank(of: "receiving") == nil)
        #expect(MessageLifecycle.rank(of: "teleported") == nil)
        #expect(MessageLifecycle.rank(of: "scheduled") == MessageLifecycle.rank(of: "accepted"))
    }

    /// A record's `statusRank` must be its status's: a record stating another is not a v1 event
    /// (the consumer dead-letters it with this reason, replay skips it); one stating none gets it.
    @Test func aRecordWhoseRankIsNotItsStatusesIsRefused() throws {
        func record(_ status: String, _ rank: String) -> [UInt8] {
            Array(#"{"schemaVersion":1,"id":"x","messageSid":"SM0123456789abcdef0123456789abcdef","accountSid":"AC1","status":"\#(status)","statusRank":\#(rank),"receivedAt":5,"source":"status-callback"}"#.utf8)
        }
        let refused: [(String, String, String)] = [
            ("sent", "1000", #"statusRank 1000 does not match status "sent", whose rank is 40"#),
            ("sent", "3", #"statusRank 3 does not match status "sent", whose rank is 40"#),
            ("delivered", "70", #"statusRank 70 does not match status "delivered", whose rank is 60"#),
            ("received", "40", #"statusRank 40 does not match status "received", whose rank is null (unranked)"#),
            ("mystery", "-1", #"statusRank -1 does not match status "mystery", whose rank is null (unranked)"#),
        ]
        for (status, rank, message) in refused {
            for decode in [{ try StatusEventCodec.decode($0) as Any }, { try StatusEventCodec.decodeSummary($0) as Any }] as [([UInt8]) throws -> Any] {
                do {
                    _ = try decode(record(status, rank))
                    Issue.record("\(status)/\(rank) was accepted")
                } catch let error as WebhookError {
                    #expect(error.detail == "invalid_event")
                    #expect(error.message == "not a v1 status event: " + message)
                }
            }
        }
        #expect(try StatusEventCodec.decode(record("sent", "40")).statusRank == 40)
        #expect(try StatusEventCodec.decode(record("SENT", "40")).statusRank == 40)
        #expect(try StatusEventCodec.decodeSummary(record("read", "70")).statusRank == 70)
        #expect(try StatusEventCodec.decode(record("received", "null")).statusRank == nil)
        // Stating none is no claim: the rank is the status's wherever it is used.
        let unstated = try StatusEventCodec.decodeSummary(record("delivered", "null"))
        #expect(CurrentStatusRule.key(of: unstated).rank == 60)
        // A hostile status is quoted, shortened.
        let long = String(repeating: "z", count: 5_000)
        #expect(MessageLifecycle.rankProblem(status: long, statusRank: 1)?.utf8.count ?? 0 < 200)
    }
}
