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
}
