import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import StatusEvents
import Testing
import TestSupport

/// Issue 16, item 2, end to end: the real ingress and consumer binaries, the test broker and a
/// SQLite sink. A signed callback replayed with `&To=…` appended still verifies (Twilio's
/// algorithm de-duplicates repeated values); it must be the same event, so no second history row.
@Suite struct RepeatedParameterReplayTests {
    @Test func replayWithAppendedRepeatedParameterAddsNoHistoryRow() async throws {
        let topic = try await TestKafka.makeTopic("e2e-replay", partitions: 3)
        let directory = try TestEnvironment.makeTemporaryDirectory("e2e-replay")
        let database = (directory as NSString).appendingPathComponent("statusrelay.sqlite")
        let port = try freePort()
        let token = "e2e-auth-token-\(UUID().uuidString.prefix(8))"
        let publicURL = "http://127.0.0.1:\(port)"
        let path = "/twilio/message-status"

        let ingress = try await ConsumerE2E.launchIngress(topic: topic, port: port, token: token, directory: directory)
        defer { ingress.kill() }
        let consumer = try ConsumerE2E.launchConsumer(
            topic: topic, group: TestEnvironment.uniqueName("group"), sinks: ["sqlite:\(database)"], directory: directory,
            window: "500ms"
        )
        defer { consumer.kill() }
        try await ConsumerE2E.waitUntilAssigned(consumer)

        func post(_ body: String, signature: String) async throws -> (Int?, String) {
            var request = URLRequest(url: URL(string: publicURL + path)!)
            request.httpMethod = "POST"
            request.setValue("application/x-www-form-urlencoded", forHTTPHeaderField: "Content-Type")
            request.setValue(signature, forHTTPHeaderField: "X-Twilio-Signature")
            request.httpBody = Data(body.utf8)
            let (data, response) = try await URLSession.shared.data(for: request)
            return ((response as? HTTPURLResponse)?.statusCode, String(decoding: data, as: UTF8.self))
        }
        func callback(_ sid: String, _ status: String) -> (body: String, signature: String) {
            let parameters: [(String, String)] = [
                ("AccountSid", "AC" + String(repeating: "1", count: 32)), ("MessageSid", sid), ("MessageStatus", status),
                ("SmsStatus", status), ("To", "+15558675310"), ("From", "+15005550001"), ("ApiVersion", "2010-04-01"),
            ]
            let signature = SignatureVerifier.computeSignature(url: publicURL + path, parameters: FormParameters(parameters), secret: token)
            return (IngressToSQLiteTests.formEncode(parameters), signature)
        }

        let sid = "SM" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        let sent = callback(sid, "sent")
        let delivered = callback(sid, "delivered")
        var ids: [String] = []
        for (body, signature) in [sent, delivered, (delivered.body + "&To=%2B15558675310", delivered.signature)] {
            let (code, text) = try await post(body, signature: signature)
            #expect(code == 200, "\(code ?? 0) \(text); ingress log: \(ingress.output().suffix(1500))")
            if let range = text.range(of: #""id":""#) { ids.append(String(text[range.upperBound...].prefix(64))) }
        }
        #expect(ids.count == 3)
        #expect(ids[2] == ids[1], "the replay got a new event id")

        // A later callback of another message: once it is in SQLite, the replay has been through too.
        let marker = "SM" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        let markerCallback = callback(marker, "queued")
        #expect(try await post(markerCallback.body, signature: markerCallback.signature).0 == 200)
        try await eventually(timeout: .seconds(60), "the marker's history row in SQLite") {
            (try? ConsumerE2E.readSQLite(database).history.contains { $0.messageSid == marker }) ?? false
        }
        try await Task.sleep(for: .seconds(2))
        let (history, current) = try ConsumerE2E.readSQLite(database)
        let rows = history.filter { $0.messageSid == sid }.sorted { $0.sequence < $1.sequence }
        #expect(rows.map(\.status) == ["sent", "delivered"], "consumer log: \(consumer.output().suffix(2000))")
        #expect(Set(rows.map(\.eventID)).count == 2)
        #expect(current[sid] == "delivered")

        await consumer.stop()
        await ingress.stop()
    }
}
