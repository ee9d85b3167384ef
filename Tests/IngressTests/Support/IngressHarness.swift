import Foundation
import HTTPTypes
import HummingbirdTesting
import Ingress
import Kafka
import Logging
import NIOCore
import Prometheus
import StatusEvents
import StatusRelayCore
import TestSupport

/// An in-process ingress on a free port, with its own spool directory and topic.
final class IngressHarness: Sendable {
    static let authToken = "test-auth-token-0123456789abcdef"

    let server: IngressServer
    let port: Int
    let registry: PrometheusCollectorRegistry
    private let running: Task<Void, any Error>

    var configuration: IngressConfiguration { server.configuration }
    var topic: String { configuration.topic }
    var formURL: String { "http://127.0.0.1:\(port)\(configuration.routes.form)" }

    /// A configuration for tests: port 0, unique spool dir, short publish deadline.
    static func configuration(
        brokers: [String], topic: String, spoolDirectory: String? = nil, _ customize: (inout IngressConfiguration) -> Void = { _ in }
    ) throws -> IngressConfiguration {
        var configuration = IngressConfiguration(
            spoolDirectory: try spoolDirectory ?? TestEnvironment.makeTemporaryDirectory("spool"),
            brokers: brokers, topic: topic, authTokens: [authToken]
        )
        configuration.listen = HostPort(host: "127.0.0.1", port: 0)
        configuration.nodeID = "test-node"
        configuration.shutdownTimeout = .seconds(5)
        configuration.publisher.kafkaDeadline = .seconds(1)
        customize(&configuration)
        return configuration
    }

    static func start(_ configuration: IngressConfiguration) async throws -> IngressHarness {
        var logger = Logger(label: "ingress-test")
        logger.logLevel = .warning
        let registry = PrometheusCollectorRegistry()
        let server = IngressServer(configuration: configuration, registry: registry, logger: logger)
        let running = Task { try await server.run() }
        guard let port = await server.waitUntilListening() else {
            try await running.value
            throw TestEnvironmentError("ingress stopped before listening")
        }
        return IngressHarness(server: server, port: port, registry: registry, running: running)
    }

    private init(server: IngressServer, port: Int, registry: PrometheusCollectorRegistry, running: Task<Void, any Error>) {
        self.server = server
        self.port = port
        self.registry = registry
        self.running = running
    }

    /// Graceful shutdown; waits until the server (and its spool) closed.
    func stop() async throws {
        await server.triggerGracefulShutdown()
        try await running.value
    }

    func withClient<T: Sendable>(_ body: @escaping @Sendable (TestClient) async throws -> T) async throws -> T {
        try await TestClient.withClient(host: "127.0.0.1", port: port, operation: body)
    }

    func metricsText() async throws -> String {
        try await withClient { client in
            let response = try await client.execute(.init("/metrics", method: .get, authority: "127.0.0.1:\(self.port)"))
            return String(buffer: response.body ?? ByteBuffer())
        }
    }
}

/// Builds signed form callbacks.
enum Callback {
    static func messageSid() -> String {
        "SM" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
    }

    static let accountSid = "AC" + String(repeating: "ab", count: 16)

    static func parameters(sid: String, status: String = "delivered", extra: [(String, String)] = []) -> [(String, String)] {
        [
            ("MessageSid", sid), ("SmsSid", sid), ("AccountSid", accountSid), ("MessageStatus", status),
            ("SmsStatus", status), ("From", "+15005550006"), ("To", "+15551234567"), ("ApiVersion", "2010-04-01"),
        ] + extra
    }

    static func formBody(_ parameters: [(String, String)]) -> String {
        parameters.map { "\(encode($0.0))=\(encode($0.1))" }.joined(separator: "&")
    }

    static func encode(_ text: String) -> String {
        var result = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "~"):
                result.unicodeScalars.append(Unicode.Scalar(byte))
            case UInt8(ascii: " "):
                result += "+"
            default:
                result += String(format: "%%%02X", byte)
            }
        }
        return result
    }

    static func signature(url: String, parameters: [(String, String)], token: String = IngressHarness.authToken) -> String {
        SignatureVerifier.computeSignature(url: url, parameters: FormParameters(parameters), secret: token)
    }

    /// A signed POST request for `harness`'s form route.
    static func request(
        _ harness: IngressHarness, parameters: [(String, String)], signature: String? = nil, contentType: String = "application/x-www-form-urlencoded",
        path: String? = nil
    ) -> TestClient.Request {
        let path = path ?? harness.configuration.routes.form
        var headers: HTTPFields = [.contentType: contentType]
        let url = "http://127.0.0.1:\(harness.port)\(path)"
        headers[HTTPField.Name("X-Twilio-Signature")!] = signature ?? Self.signature(url: url, parameters: parameters)
        return .init(
            path, method: .post, authority: "127.0.0.1:\(harness.port)", headers: headers,
            body: ByteBuffer(string: formBody(parameters))
        )
    }
}

/// Reads whole topics back through a manually assigned consumer.
enum TopicReader {
    /// Every record currently in `topic` (all partitions, from the low to the high watermark).
    static func readAll(_ topic: String, brokers: [String]) async throws -> [KafkaConsumerMessage] {
        let admin = try KafkaAdminClient(bootstrapServers: brokers, timeout: .seconds(20), logger: TestKafka.logger())
        let partitions = try await admin.partitions(of: topic)
        var assignment: [KafkaTopicPartitionOffset] = []
        var remaining: [Int32: Int64] = [:]
        for partition in partitions {
            let (low, high) = try await admin.watermarks(topic: topic, partition: partition)
            if high > low {
                assignment.append(KafkaTopicPartitionOffset(topic: topic, partition: partition, offset: low))
                remaining[partition] = high
            }
        }
        guard !assignment.isEmpty else { return [] }
        let total = remaining.reduce(0) { $0 + Int($1.value) } - assignment.reduce(0) { $0 + Int($1.offset) }
        let consumer = try KafkaConsumer(
            assignment: assignment,
            configuration: KafkaConsumerConfiguration(
                bootstrapServers: brokers, groupID: TestEnvironment.uniqueName("reader"), topics: [topic],
                sessionTimeout: .seconds(6), maxPollInterval: .seconds(10), additional: TestEnvironment.consumerTuning
            ),
            logger: TestKafka.logger()
        )
        let messages = try await TestKafka.collect(total, from: consumer, timeout: .seconds(60))
        try? await consumer.close()
        return messages
    }

    /// Waits until `topic` holds at least `count` records and returns them all.
    static func waitFor(_ count: Int, in topic: String, brokers: [String], timeout: Duration = .seconds(60)) async throws -> [KafkaConsumerMessage] {
        let admin = try KafkaAdminClient(bootstrapServers: brokers, timeout: .seconds(20), logger: TestKafka.logger())
        try await eventually(timeout: timeout, "\(count) records in \(topic)") {
            let marks = try await admin.watermarks(topic: topic)
            return marks.values.reduce(0) { $0 + Int($1.high - $1.low) } >= count
        }
        return try await readAll(topic, brokers: brokers)
    }

    static func header(_ name: String, of message: KafkaConsumerMessage) -> String? {
        message.headers.first { $0.key == name }?.stringValue
    }
}

extension TestClient.Response {
    var bodyText: String { String(buffer: body ?? ByteBuffer()) }

    /// A string field of the JSON body.
    func jsonField(_ name: String) -> String? {
        guard let object = try? JSONSerialization.jsonObject(with: Data(bodyText.utf8)) as? [String: Any] else { return nil }
        return object[name] as? String
    }
}
