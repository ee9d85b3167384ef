import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import StatusEvents
import TestSupport

/// The ingress and consumer binaries against one broker, as Prometheus would scrape them.
struct MonitoredServices {
    let ingress: ChildProcess
    let consumer: ChildProcess
    let ingressPort: Int
    let consumerPort: Int
    let authToken = "monitoring-token"
    let directory: String

    var publicURL: String { "http://127.0.0.1:\(ingressPort)" }

    /// Starts both, and returns once both answer `/metrics`. `ingressArguments` are added to the ingress's.
    static func start(brokers: String, ingressArguments: [String] = []) async throws -> MonitoredServices {
        let topic = TestEnvironment.uniqueName("monitoring")
        let directory = try TestEnvironment.makeTemporaryDirectory("monitoring")
        let port = try freePort()
        let ingress = try ChildProcess(
            try ConsumerE2E.binary("statusrelay-ingress"),
            arguments: [
                "--listen", "127.0.0.1:\(port)", "--brokers", brokers, "--topic", topic, "--auth-token", "monitoring-token",
                "--public-url", "http://127.0.0.1:\(port)", "--spool-dir", (directory as NSString).appendingPathComponent("spool"),
                "--create-topic",
            ] + ingressArguments,
            outputPath: (directory as NSString).appendingPathComponent("ingress.log")
        )
        var arguments = [
            "--brokers", brokers, "--topic", topic, "--group", TestEnvironment.uniqueName("group"), "--create-topic",
            "--admin-listen", "127.0.0.1:0", "--sink", "sqlite:\((directory as NSString).appendingPathComponent("sink.db"))",
            "--log-level", "info",
        ]
        for (key, value) in TestEnvironment.consumerTuning.sorted(by: { $0.key < $1.key }) {
            arguments += ["--kafka-config", "\(key)=\(value)"]
        }
        let consumer = try ChildProcess(
            try ConsumerE2E.binary("statusrelay-consumer"), arguments: arguments,
            outputPath: (directory as NSString).appendingPathComponent("consumer.log")
        )
        try await ingress.waitForOutput(containing: "statusrelay-ingress listening", timeout: .seconds(60))
        try await consumer.waitForOutput(containing: "admin server listening", timeout: .seconds(60))
        let consumerPort = try consumer.output().firstMatch(of: /admin server listening address=127\.0\.0\.1:(\d+)/)
            .flatMap { Int($0.1) }
            .unwrap(or: "no admin port in the consumer's log")
        return MonitoredServices(
            ingress: ingress, consumer: consumer, ingressPort: port, consumerPort: consumerPort, directory: directory
        )
    }

    static func get(_ url: String) async throws -> (Int, String) {
        let (body, response) = try await URLSession.shared.data(from: URL(string: url)!)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, String(decoding: body, as: UTF8.self))
    }

    func ingressMetrics() async throws -> String { try await Self.get("\(publicURL)/metrics").1 }
    func consumerMetrics() async throws -> String { try await Self.get("http://127.0.0.1:\(consumerPort)/metrics").1 }

    /// POSTs one correctly signed status callback; returns the HTTP status and the `durable` field.
    func sendCallback() async throws -> (Int, String) {
        let sid = "SM" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        let parameters: [(String, String)] = [
            ("AccountSid", "AC" + String(repeating: "1", count: 32)), ("MessageSid", sid), ("MessageStatus", "sent"), ("SmsStatus", "sent"),
            ("To", "+15005550006"), ("From", "+15005550001"), ("ApiVersion", "2010-04-01"),
        ]
        let url = publicURL + "/twilio/message-status"
        var request = URLRequest(url: URL(string: url)!)
        request.httpMethod = "POST"
        request.setValue("application/x-www-form-urlencoded", forHTTPHeaderField: "Content-Type")
        request.setValue(
            SignatureVerifier.computeSignature(url: url, parameters: FormParameters(parameters), secret: authToken),
            forHTTPHeaderField: "X-Twilio-Signature"
        )
        request.httpBody = Data(IngressToSQLiteTests.formEncode(parameters).utf8)
        let (body, response) = try await URLSession.shared.data(for: request)
        let text = String(decoding: body, as: UTF8.self)
        let durable = text.firstMatch(of: /"durable":"([a-z]+)"/).map { String($0.1) } ?? text
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, durable)
    }

    func stop() async {
        await consumer.stop()
        await ingress.stop()
    }
}

extension Optional {
    func unwrap(or message: String) throws -> Wrapped {
        guard let self else { throw TestEnvironmentError(message) }
        return self
    }
}
