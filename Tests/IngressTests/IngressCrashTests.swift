import Foundation
import HTTPTypes
import HummingbirdTesting
import Kafka
import NIOCore
import Synchronization
import Testing
import TestSupport

/// kill -9 of the built `statusrelay-ingress` binary under load: every callback answered 200 is on
/// the topic afterwards (after a restart on the same spool), checked by count and by id.
@Suite struct IngressCrashTests {
    final class Acked: Sendable {
        let ids = Mutex<[String: String]>([:])  // sid -> event id
        let attempted = Atomic<Int>(0)
    }

    /// Launches the binary on a kernel-chosen port and returns it with that port (read from its log).
    static func launch(topic: String, spool: String, forceSpool: Bool) async throws -> (ChildProcess, Int) {
        var arguments = [
            "--listen", "127.0.0.1:0", "--brokers", try TestEnvironment.brokers, "--topic", topic,
            "--spool-dir", spool, "--auth-token", IngressHarness.authToken, "--node-id", "crash-test", "--log-level", "notice",
        ]
        if forceSpool { arguments.append("--force-spool") }
        let process = try ChildProcess("\(try TestEnvironment.binDir)/statusrelay-ingress", arguments: arguments)
        try await process.waitForOutput(containing: "statusrelay-ingress listening")
        guard let match = process.output().firstMatch(of: /listening address=127\.0\.0\.1:(\d+)/), let port = Int(match.1) else {
            throw TestEnvironmentError("no port in ingress output: \(process.output())")
        }
        return (process, port)
    }

    @Test(arguments: [false, true])
    func killMinus9UnderLoadLosesNoAcceptedCallback(forceSpool: Bool) async throws {
        let topic = try await TestKafka.makeTopic(forceSpool ? "crash-spool" : "crash")
        let spool = try TestEnvironment.makeTemporaryDirectory("crash-spool")
        let (process, port) = try await Self.launch(topic: topic, spool: spool, forceSpool: forceSpool)

        let acked = Acked()
        let workers = Task {
            await withTaskGroup(of: Void.self) { group in
                for _ in 0..<8 {
                    group.addTask {
                        let client = TestClient(host: "127.0.0.1", port: port, configuration: .init(timeout: .seconds(5)))
                        client.connect()
                        defer { Task { try? await client.shutdown() } }
                        while true {
                            let sid = Callback.messageSid()
                            let parameters = Callback.parameters(sid: sid)
                            let url = "http://127.0.0.1:\(port)/twilio/message-status"
                            var headers: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]
                            headers[HTTPField.Name("X-Twilio-Signature")!] = Callback.signature(url: url, parameters: parameters)
                            acked.attempted.add(1, ordering: .relaxed)
                            guard
                                let response = try? await client.execute(
                                    .init(
                                        "/twilio/message-status", method: .post, authority: "127.0.0.1:\(port)", headers: headers,
                                        body: ByteBuffer(string: Callback.formBody(parameters))
                                    )
                                )
                            else { return }
                            if response.status == .ok, let id = response.jsonField("id") {
                                acked.ids.withLock { $0[sid] = id }
                            }
                        }
                    }
                }
            }
        }
        try await eventually(timeout: .seconds(60), poll: .milliseconds(10), "load under way") {
            acked.ids.withLock { $0.count } >= 300
        }
        process.kill()
        _ = try await process.waitForExit(timeout: .seconds(10))
        await workers.value
        let accepted = acked.ids.withLock { $0 }
        let attempted = acked.attempted.load(ordering: .relaxed)

        // Restart on the same spool so anything only spooled is drained, then check the topic.
        let (restarted, _) = try await Self.launch(topic: topic, spool: spool, forceSpool: false)
        let brokers = try TestEnvironment.bootstrapServers
        var onTopic: [String: String] = [:]  // event id -> key
        try await eventually(timeout: .seconds(120), poll: .seconds(1), "every accepted callback on the topic") {
            onTopic = [:]
            for message in try await TopicReader.readAll(topic, brokers: brokers) {
                if let id = TopicReader.header("ce_id", of: message) {
                    onTopic[id] = String(decoding: message.key ?? [], as: UTF8.self)
                }
            }
            return Set(accepted.values).isSubset(of: Set(onTopic.keys))
        }
        await restarted.stop()
        // By id: each accepted event is there under its MessageSid. By count: no fewer distinct
        // events than 200s, and no more than were attempted.
        for (sid, id) in accepted { #expect(onTopic[id] == sid) }
        #expect(onTopic.count >= accepted.count)
        #expect(onTopic.count <= attempted)
        #expect(accepted.count >= 300)
    }
}
