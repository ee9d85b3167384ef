import Foundation
@testable import Operations
import StatusEvents
import Testing
import TestSupport

/// The pure parts of reconciliation: retry policy, decision, page parsing, summary.
@Suite struct ReconcileUnitTests {
    @Test func throttledRetriesNeverComeBeforeRetryAfter() {
        let policy = TwilioRetryPolicy(maxAttempts: 4, maxThrottledRetries: 3, initialBackoff: .milliseconds(200), maxBackoff: .seconds(10), maxRetryAfter: .seconds(30))
        for random in [0.0, 0.5, 0.999] {
            let delay = policy.delay(after: .throttled(retryAfter: "2"), attempts: 1, random: random)
            #expect(delay != nil && delay! >= .seconds(2) && delay! <= .seconds(2) + .milliseconds(100))
        }
        // Retry-After is capped; an unreadable one falls back to the backoff.
        #expect(policy.delay(after: .throttled(retryAfter: "3600"), attempts: 1, random: 0)! == .seconds(30))
        #expect(policy.delay(after: .throttled(retryAfter: "soon"), attempts: 1, random: 0)! == .milliseconds(100))
        #expect(policy.delay(after: .throttled(retryAfter: nil), attempts: 3, random: 0) != nil)
        #expect(policy.delay(after: .throttled(retryAfter: nil), attempts: 4, random: 0) == nil)
    }

    @Test func transientFailuresBackOffExponentiallyWithJitterThenGiveUp() {
        let policy = TwilioRetryPolicy(maxAttempts: 4, initialBackoff: .milliseconds(200), maxBackoff: .seconds(1))
        #expect(policy.delay(after: .transient, attempts: 1, random: 0) == .milliseconds(100))
        #expect(policy.delay(after: .transient, attempts: 1, random: 1) == .milliseconds(200))
        #expect(policy.delay(after: .transient, attempts: 2, random: 1) == .milliseconds(400))
        #expect(policy.delay(after: .transient, attempts: 3, random: 1) == .milliseconds(800))
        #expect(policy.delay(after: .transient, attempts: 4, random: 0) == nil)
        let capped = TwilioRetryPolicy(maxAttempts: 100, initialBackoff: .milliseconds(200), maxBackoff: .seconds(1))
        #expect(capped.delay(after: .transient, attempts: 60, random: 1) == .seconds(1))
    }

    @Test func decision() {
        func sink(_ status: String?) -> SinkMessage? {
            status.map { SinkMessage(messageSid: "SM1", accountSid: "AC1", status: $0, statusRank: MessageLifecycle.rank(of: $0), updatedAt: 0) }
        }
        #expect(ReconcileDecision.decide(sink: nil, twilioStatus: "delivered") == .changed(Transition(from: nil, to: "delivered")))
        #expect(ReconcileDecision.decide(sink: sink("sent"), twilioStatus: "delivered") == .changed(Transition(from: "sent", to: "delivered")))
        // Stuck at the status Twilio reports: a confirmation, once (the sink then records it).
        #expect(ReconcileDecision.decide(sink: sink("sent"), twilioStatus: "SENT") == .confirmed)
        var confirmed = sink("sent")
        confirmed?.reconciledStatus = "sent"
        #expect(ReconcileDecision.decide(sink: confirmed, twilioStatus: "sent") == .unchanged)
        #expect(ReconcileDecision.decide(sink: sink("delivered"), twilioStatus: "delivered") == .unchanged)
        #expect(ReconcileDecision.decide(sink: sink("failed"), twilioStatus: "undelivered") == .changed(Transition(from: "failed", to: "undelivered")))
        #expect(ReconcileDecision.decide(sink: sink("read"), twilioStatus: "delivered") == .unchanged)
        #expect(ReconcileDecision.decide(sink: sink("sent"), twilioStatus: "teleported") == .unchanged)
        #expect(Transition(from: nil, to: "delivered").description == "none → delivered")
    }

    @Test func pagesFollowTheContract() throws {
        let example = try Data(contentsOf: URL(fileURLWithPath: TestEnvironment.repoRoot + "/Tests/Fixtures/twilio-api/list-example.json"))
        let page = try TwilioMessagePage.parse(Array(example))
        #expect(page.messages.count == 2)
        #expect(page.nextPageURI?.hasPrefix("/2010-04-01/Accounts/ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/Messages.json?") == true)
        let last = try TwilioMessagePage.parse(Array(#"{"messages":[],"next_page_uri":null}"#.utf8))
        #expect(last.nextPageURI == nil)
        for bad in [#"[]"#, #"{"messages":{}}"#, #"{"messages":[],"next_page_uri":5}"#, "{"] {
            #expect(throws: TwilioAPIError.self) { try TwilioMessagePage.parse(Array(bad.utf8)) }
        }
    }

    @Test func listPathsCarryTheFiltersAndNeverLeaveTheBaseURL() async throws {
        let client = TwilioAPIClient(
            configuration: .init(baseURL: "http://127.0.0.1:1/"),
            credentials: TwilioCredentials(username: "AC1", password: .init("secret-value"), accountSid: "AC1"),
            logger: .init(label: "test")
        )
        let path = client.firstPagePath(account: "ACx", since: 1_764_000_000_000, until: 1_764_003_600_000, pageSize: 1000)
        #expect(path == "/2010-04-01/Accounts/ACx/Messages.json?DateSent%3E=2025-11-24T16:00:00Z&DateSent%3C=2025-11-24T17:00:00Z&PageSize=1000")
        for foreign in ["https://evil.example/2010-04-01/Accounts/ACx/Messages.json", "//evil.example/x", "/other"] {
            await #expect(throws: TwilioAPIError.self) { try await client.listPage(path: foreign) }
        }
        #expect("\(TwilioCredentials(username: "AC1", password: .init("secret-value"), accountSid: nil))" == "AC1:<redacted>")
        await client.shutdown()
    }

    @Test func summaryJSON() throws {
        var summary = ReconcileSummary()
        summary.checked = 3
        summary.changed = [Transition(from: "sent", to: "delivered"): 2, Transition(from: nil, to: "failed"): 1]
        summary.sample = [.init(messageSid: "SM1", transition: Transition(from: "sent", to: "delivered"))]
        let object = try #require(try JSONSerialization.jsonObject(with: Data(ReconcileSummaryRenderer.json(summary).utf8)) as? [String: Any])
        #expect(object["changed"] as? Int == 3)
        #expect((object["changedByTransition"] as? [[String: Any]])?.count == 2)
        let text = ReconcileSummaryRenderer.text(summary)
        #expect(text.contains("sent → delivered: 2"))
        #expect(text.contains("none → failed: 1"))
    }
}
