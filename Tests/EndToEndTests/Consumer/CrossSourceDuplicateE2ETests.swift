import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import StatusEvents
import Testing
import TestSupport

/// Issue 17 §2 through the real binaries: a team with status callbacks and Event Streams gets
/// each status twice (two sources, two ids). The ingress publishes both, and the consumer writes one
/// history row per status into SQLite and PostgreSQL, flags nothing late and counts the second copy
/// as `statusrelay_consumer_duplicate_events_total{kind="cross_source"}`, also when the copy
/// reaches a restarted consumer (the released statuses are in the state topic).
@Suite struct CrossSourceDuplicateE2ETests {
    @Test func sameStatusByCallbackAndEventStreamsIsOneHistoryRow() async throws {
        let topic = try await TestKafka.makeTopic("e2e-cross-source", partitions: 2)
        let directory = try TestEnvironment.makeTemporaryDirectory("e2e-cross-source")
        let sqlite = "sqlite:" + (directory as NSString).appendingPathComponent("sink.db")
        let postgres = try ReportTestData.postgresURL()
        let port = try freePort()
        let token = "e2e-auth-token-\(UUID().uuidString.prefix(8))"
        let publicURL = "http://127.0.0.1:\(port)"

        let ingress = try await ConsumerE2E.launchIngress(topic: topic, port: port, token: token, directory: directory)
        defer { ingress.kill() }
        let group = TestEnvironment.uniqueName("group")
        let first = try ConsumerE2E.launchConsumer(
            topic: topic, group: group, sinks: [sqlite, postgres], directory: directory, window: "300ms"
        )
        defer { first.kill() }
        try await ConsumerE2E.waitUntilAssigned(first)
        func crossSourceCount(_ consumer: ChildProcess) async throws -> Double? {
            let port = try consumer.output().firstMatch(of: /admin server listening address=127\.0\.0\.1:(\d+)/)
                .flatMap { Int($0.1) }.unwrap(or: "no admin port in the consumer's log")
            let text = try await MonitoredServices.get("http://127.0.0.1:\(port)/metrics").1
            return MetricsExposition(text).samples[#"statusrelay_consumer_duplicate_events_total{kind="cross_source"}"#]
        }

        let sid = "SM" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        let account = "AC" + String(repeating: "1", count: 32)
        func callback(_ status: String) async throws {
            let parameters: [(String, String)] = [
                ("AccountSid", account), ("MessageSid", sid), ("MessageStatus", status), ("SmsStatus", status),
                ("To", "+15005550006"), ("From", "+15005550001"), ("ApiVersion", "2010-04-01"),
            ]
            let path = "/twilio/message-status"
            var request = URLRequest(url: URL(string: publicURL + path)!)
            request.httpMethod = "POST"
            request.setValue("application/x-www-form-urlencoded", forHTTPHeaderField: "Content-Type")
            request.setValue(
                SignatureVerifier.computeSignature(url: publicURL + path, parameters: FormParameters(parameters), secret: token),
                forHTTPHeaderField: "X-Twilio-Signature"
            )
            request.httpBody = Data(IngressToSQLiteTests.formEncode(parameters).utf8)
            let (body, response) = try await URLSession.shared.data(for: request)
            #expect((response as? HTTPURLResponse)?.statusCode == 200, "callback \(status): \(String(decoding: body, as: UTF8.self))")
        }
        func eventStreams(_ status: String) async throws {
            let body = """
                [{"specversion":"1.0","type":"com.twilio.messaging.message.\(status)","source":"/2010-04-01/Accounts/\(account)/Messages/\(sid).json","id":"EZ\(sid.dropFirst(2))\(status)","dataschema":"https://events-schemas.twilio.com/Messaging.MessageStatus/4","datacontenttype":"application/json","time":"2026-11-29T13:40:00.000Z","data":{"messageSid":"\(sid)","accountSid":"\(account)","messageStatus":"\(status.uppercased())","to":"+15005550006","from":"+15005550001","timestamp":"2026-11-29T13:40:00.000Z"}}]
                """
            let path = "/twilio/event-streams?bodySHA256=\(SignatureVerifier.bodySHA256(Array(body.utf8)))"
            var request = URLRequest(url: URL(string: publicURL + path)!)
            request.httpMethod = "POST"
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
            request.setValue(
                SignatureVerifier.computeSignature(url: publicURL + path, parameters: FormParameters(), secret: token),
                forHTTPHeaderField: "X-Twilio-Signature"
            )
            request.httpBody = Data(body.utf8)
            let (answer, response) = try await URLSession.shared.data(for: request)
            #expect((response as? HTTPURLResponse)?.statusCode == 200, "Event Streams \(status): \(String(decoding: answer, as: UTF8.self))")
        }

        try await callback("sent")
        try await callback("delivered")
        try await eventually(timeout: .seconds(60), "the callbacks in SQLite") { ConsumerE2E.countSQLiteHistory(String(sqlite.dropFirst(7))) >= 2 }
        // Event Streams tells both changes once more, after the reorder window released the
        // callbacks': `sent` to this consumer, `delivered` to the next one.
        try await eventStreams("sent")
        try await eventually(timeout: .seconds(60), "the first cross-source duplicate counted") { try await crossSourceCount(first) == 1 }
        await first.stop()
        #expect(first.exitStatus == .exited(0), "graceful stop: \(first.output().suffix(1500))")

        // A restarted consumer restores which statuses it released from which source.
        let consumer = try ConsumerE2E.launchConsumer(
            topic: topic, group: group, sinks: [sqlite, postgres], directory: directory, window: "300ms"
        )
        defer { consumer.kill() }
        try await ConsumerE2E.waitUntilAssigned(consumer)
        let adminPort = try consumer.output().firstMatch(of: /admin server listening address=127\.0\.0\.1:(\d+)/)
            .flatMap { Int($0.1) }.unwrap(or: "no admin port in the consumer's log")
        try await eventStreams("delivered")

        let metricsURL = "http://127.0.0.1:\(adminPort)/metrics"
        try await eventually(timeout: .seconds(60), "the cross-source duplicate counted after the restart") {
            try await crossSourceCount(consumer) == 1
        }
        // The consumer wrote what it released before it counted the next record: give the sinks a
        // moment in case anything else were still on its way.
        try await Task.sleep(for: .seconds(1))
        let metrics = MetricsExposition(try await MonitoredServices.get(metricsURL).1)
        #expect(metrics.samples["statusrelay_consumer_late_events_total"] == 0)
        #expect(metrics.samples[#"statusrelay_consumer_duplicate_events_total{kind="event_id"}"#] == 0)
        #expect(metrics.samples["statusrelay_consumer_released_events_total"] == 0)

        for sink in [sqlite, postgres] {
            let (history, current) = try await ReconcileE2E.read(sink)
            let rows = history[sid] ?? []
            #expect(rows.map(\.status) == ["sent", "delivered"], "\(sink): \(rows); consumer log: \(consumer.output().suffix(1500))")
            #expect(rows.map(\.source) == ["status-callback", "status-callback"])
            #expect(rows.allSatisfy { !$0.late })
            #expect(current[sid] == "delivered")
        }
        await consumer.stop()
        await ingress.stop()
    }
}
