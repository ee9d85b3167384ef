import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import StatusEvents
import Testing
import TestSupport

/// Issue 16 case 3 end to end: a signed callback with `ChannelStatusMessage=before%00after` was
/// accepted by the ingress, then stopped the PostgreSQL sink for good (22021, retried forever), and a
/// good callback sent after it never arrived. The real ingress and consumer binaries, the test broker
/// and PostgreSQL.
@Suite struct HostileCallbackToPostgresTests {
    static func psql(_ sql: String) throws -> [String] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: (try TestEnvironment.pgBin as NSString).appendingPathComponent("psql"))
        process.arguments = [try TestEnvironment.postgresURL, "-qAtX", "-v", "ON_ERROR_STOP=1", "-c", sql]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { return [] }
        return String(decoding: data, as: UTF8.self).split(separator: "\n").map(String.init)
    }

    @Test func callbackWithANULByteIsStoredAndTheNextOneArrives() async throws {
        let topic = try await TestKafka.makeTopic("e2e-nul", partitions: 1)
        let directory = try TestEnvironment.makeTemporaryDirectory("e2e-nul")
        let schema = TestEnvironment.uniqueName("nul").replacingOccurrences(of: "-", with: "_")
        let base = try TestEnvironment.postgresURL
        let sink = base + (base.contains("?") ? "&" : "?") + "sslmode=disable&schema=\(schema)"
        let port = try freePort()
        let token = "e2e-nul-token-\(UUID().uuidString.prefix(8))"
        let publicURL = "http://127.0.0.1:\(port)"
        let ingress = try await ConsumerE2E.launchIngress(topic: topic, port: port, token: token, directory: directory)
        defer { ingress.kill() }
        let consumer = try ConsumerE2E.launchConsumer(
            topic: topic, group: TestEnvironment.uniqueName("group"), sinks: [sink], directory: directory, window: "200ms"
        )
        defer { consumer.kill() }
        try await ConsumerE2E.waitUntilAssigned(consumer)

        func post(_ parameters: [(String, String)]) async throws -> Int {
            let path = "/twilio/message-status"
            let signature = SignatureVerifier.computeSignature(url: publicURL + path, parameters: FormParameters(parameters), secret: token)
            var request = URLRequest(url: URL(string: publicURL + path)!)
            request.httpMethod = "POST"
            request.setValue("application/x-www-form-urlencoded", forHTTPHeaderField: "Content-Type")
            request.setValue(signature, forHTTPHeaderField: "X-Twilio-Signature")
            request.httpBody = Data(IngressToSQLiteTests.formEncode(parameters).utf8)
            let (_, response) = try await URLSession.shared.data(for: request)
            return (response as? HTTPURLResponse)?.statusCode ?? 0
        }
        func callback(_ sid: String, _ extra: [(String, String)] = []) -> [(String, String)] {
            [
                ("AccountSid", "AC" + String(repeating: "1", count: 32)), ("MessageSid", sid), ("MessageStatus", "sent"),
                ("SmsStatus", "sent"), ("To", "+15005550006"), ("ApiVersion", "2010-04-01"),
            ] + extra
        }
        let hostile = "SM" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        let good = "SM" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        #expect(try await post(callback(hostile, [("ChannelStatusMessage", "before\u{0}after"), ("From", "before\u{0}after")])) == 200)
        try await Task.sleep(for: .seconds(1))
        #expect(try await post(callback(good, [("From", "+15005550001")])) == 200)

        try await eventually(timeout: .seconds(60), "both callbacks in PostgreSQL") {
            try Self.psql("SELECT message_sid FROM \(schema).message_status_events").sorted() == [hostile, good].sorted()
        }
        // Stored losslessly: the payload is the event's exact JSON text; the column holds U+FFFD.
        let payload = try Self.psql(
            "SELECT jsonb_typeof(payload), payload #>> '{}' FROM \(schema).message_status_events WHERE message_sid = '\(hostile)'"
        )
        #expect(payload.first?.hasPrefix("string|{") == true, "\(payload)")
        #expect(payload.first?.contains(#""ChannelStatusMessage":"before\u0000after""#) == true, "\(payload)")
        #expect(try Self.psql("SELECT sender FROM \(schema).message_status WHERE message_sid = '\(hostile)'") == ["before\u{FFFD}after"])
        #expect(!consumer.output().contains("retrying with consumption paused"), "\(consumer.output().suffix(2000))")

        await consumer.stop()
        await ingress.stop()
    }
}
