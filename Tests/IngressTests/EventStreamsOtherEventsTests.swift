import Foundation
import Ingress
import StatusEvents
import Testing
import TestSupport

/// Issue 17 §4 through the real ingress and broker: Event Streams events that are not message
/// statuses (the Sink Test event, other subscribed types) are answered 200, counted by type and
/// never published or dead-lettered; a batch mixing them with message events keeps those.
@Suite struct EventStreamsOtherEventsTests {
    /// The event `POST /v1/Sinks/{Sid}/Test` makes, as Twilio documents it.
    static let sinkTest = #"{"specversion":"1.0","type":"com.twilio.eventstreams.test-event","source":"Sink","id":"AC11111111111111111111111111111111","dataschema":"https://events-schemas.twilio.com/EventStreams.TestSink/1.json","datacontenttype":"application/json","time":"2026-06-10T06:02:54.377Z","data":{"test_id":"cae2f9e2-c277-4612-8ad3-93c1a7a3ef88"}}"#

    @Test func sinkTestAndOtherTypesAreAnswered200AndCounted() async throws {
        let harness = try await HostileRequestTests.startHarness()
        let brokers = try TestEnvironment.bootstrapServers
        let before = try await harness.metricsText()
        // Known before any arrives: exported at 0.
        #expect(before.contains(#"statusrelay_ingress_other_events_total{type="com.twilio.eventstreams.test-event"} 0"#))
        #expect(before.contains(#"statusrelay_ingress_other_events_total{type="other"} 0"#))

        let only = try await harness.withClient { client in
            try await client.execute(HostileRequestTests.eventStreamsRequest(harness, body: "[" + Self.sinkTest + "]"))
        }
        #expect(only.status == .ok, "\(only.bodyText)")
        #expect(only.bodyText.contains(#""accepted":0,"rejected":0,"other":1,"#))

        let sids = [Callback.messageSid(), Callback.messageSid()]
        let voice = #"{"specversion":"1.0","type":"com.twilio.voice.insights.call-summary.complete","source":"/v","id":"EZv","data":{"callSid":"CA1"}}"#
        let mixed = "[" + [Self.sinkTest, HostileRequestTests.element(sids[0]), voice, HostileRequestTests.element(sids[1], status: "sent")]
            .joined(separator: ",") + "]"
        let response = try await harness.withClient { client in try await client.execute(HostileRequestTests.eventStreamsRequest(harness, body: mixed)) }
        #expect(response.status == .ok, "\(response.bodyText)")
        #expect(response.bodyText.contains(#""accepted":2,"rejected":0,"other":2,"#))

        let events = try await TopicReader.waitFor(2, in: harness.topic, brokers: brokers)
        #expect(Set(events.compactMap { $0.key.map { String(decoding: $0, as: UTF8.self) } }) == Set(sids))
        // Give a (wrong) extra record time to show up.
        try await Task.sleep(for: .seconds(1))
        #expect(try await TopicReader.readAll(harness.topic, brokers: brokers).count == 2)
        #expect(try await TopicReader.readAll("\(harness.topic).rejected", brokers: brokers).isEmpty)
        let metrics = try await harness.metricsText()
        #expect(metrics.contains(#"statusrelay_ingress_other_events_total{type="com.twilio.eventstreams.test-event"} 2"#))
        #expect(metrics.contains(#"statusrelay_ingress_other_events_total{type="other"} 1"#))
        #expect(metrics.contains("statusrelay_ingress_dead_lettered_total 0"))
        #expect(metrics.contains(#"statusrelay_ingress_requests_total{route="event_streams",outcome="accepted"} 2"#))
        try await harness.stop()
    }
}
