import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Kafka
import StatusEvents
import Testing
import TestSupport

/// Issue 2's walking skeleton over real sockets: the ingress and consumer binaries against the test
/// broker; a signed callback POSTed to the ingress ends up as rows in SQLite.
@Suite struct IngressToSQLiteTests {
    @Test func signedCallbackBecomesASQLiteRow() async throws {
        let topic = try await TestKafka.makeTopic("e2e-ingress", partitions: 3)
        let directory = try TestEnvironment.makeTemporaryDirectory("e2e-ingress")
        let database = (directory as NSString).appendingPathComponent("statusrelay.sqlite")
        let port = try freePort()
        let token = "e2e-auth-token-\(UUID().uuidString.prefix(8))"
        let publicURL = "http://127.0.0.1:\(port)"

        let ingress = try await ConsumerE2E.launchIngress(topic: topic, port: port, token: token, directory: directory)
        defer { ingress.kill() }
        let consumer = try ConsumerE2E.launchConsumer(
            topic: topic, group: TestEnvironment.uniqueName("group"), sinks: ["sqlite:\(database)"], directory: directory,
            window: "500ms"
        )
        defer { consumer.kill() }
        try await ConsumerE2E.waitUntilAssigned(consumer)

        let sid = "SM" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        let account = "AC" + String(repeating: "1", count: 32)
        for status in ["sent", "queued", "delivered"] {
            let parameters: [(String, String)] = [
                ("AccountSid", account), ("MessageSid", sid), ("MessageStatus", status), ("SmsStatus", status),
                ("To", "+15005550006"), ("From", "+15005550001"), ("ApiVersion", "2010-04-01"),
            ]
            let path = "/twilio/message-status"
            let signature = SignatureVerifier.computeSignature(
                url: publicURL + path, parameters: FormParameters(parameters), secret: token
            )
            var request = URLRequest(url: URL(string: publicURL + path)!)
            request.httpMethod = "POST"
            request.setValue("application/x-www-form-urlencoded", forHTTPHeaderField: "Content-Type")
            request.setValue(signature, forHTTPHeaderField: "X-Twilio-Signature")
            request.httpBody = Data(Self.formEncode(parameters).utf8)
            let (body, response) = try await URLSession.shared.data(for: request)
            let code = (response as? HTTPURLResponse)?.statusCode
            #expect(code == 200, "POST \(status): \(code ?? 0) \(String(decoding: body, as: UTF8.self)); ingress log: \(ingress.output().suffix(1500))")
        }

        try await eventually(timeout: .seconds(60), "three history rows in SQLite") {
            ConsumerE2E.countSQLiteHistory(database) >= 3
        }
        let (history, current) = try ConsumerE2E.readSQLite(database)
        let rows = history.filter { $0.messageSid == sid }.sorted { $0.sequence < $1.sequence }
        // Arrival order was sent, queued, delivered; within the window they come out in lifecycle order.
        #expect(rows.map(\.status) == ["queued", "sent", "delivered"], "consumer log: \(consumer.output().suffix(2000))")
        #expect(rows.map(\.sequence) == [1, 2, 3])
        #expect(current[sid] == "delivered")

        await consumer.stop()
        await ingress.stop()
        #expect(consumer.exitStatus == .exited(0), "graceful stop: \(consumer.output().suffix(1500))")
    }

    static func formEncode(_ parameters: [(String, String)]) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._*")
        return parameters.map { name, value in
            let encode = { (text: String) in
                text.addingPercentEncoding(withAllowedCharacters: allowed)!.replacingOccurrences(of: "%20", with: "+")
            }
            return "\(encode(name))=\(encode(value))"
        }.joined(separator: "&")
    }
}
