import AsyncHTTPClient
import Foundation
import NIOCore
import TestSupport

/// The Twilio Messages API stand-in (scripts/testing/twilio_api_standin.py), validating every body
/// it serves against the contract fixtures in Tests/Fixtures/twilio-api.
struct TwilioStandIn {
    static let account = "AC" + String(repeating: "a1", count: 16)
    static let subaccount = "AC" + String(repeating: "b2", count: 16)
    static let apiKey = "SK" + String(repeating: "c3", count: 16)

    let process: ChildProcess
    let port: Int
    /// Per test, so a leak of it in any output is recognisable.
    let authToken: String
    let apiSecret: String
    var baseURL: String { "http://127.0.0.1:\(port)" }

    static func start(directory: String) async throws -> TwilioStandIn {
        let port = try freePort()
        let token = "tok-\(UUID().uuidString.lowercased())"
        let secret = "sec-\(UUID().uuidString.lowercased())"
        let script = (TestEnvironment.repoRoot as NSString).appendingPathComponent("scripts/testing/twilio_api_standin.py")
        var environment = ProcessInfo.processInfo.environment
        environment["STANDIN_ACCOUNT_SID"] = account
        environment["STANDIN_AUTH_TOKEN"] = token
        environment["STANDIN_API_KEY"] = apiKey
        environment["STANDIN_API_SECRET"] = secret
        environment["STANDIN_SUBACCOUNTS"] = subaccount
        let process = try ChildProcess(
            try TestEnvironment.python, arguments: [script, "--port", String(port), "--quiet"],
            environment: environment, outputPath: (directory as NSString).appendingPathComponent("standin.log")
        )
        try await eventually(timeout: .seconds(30), "Twilio stand-in listening") {
            if let status = process.exitStatus { throw TestEnvironmentError("stand-in exited (\(status)): \(process.output().suffix(2000))") }
            return isListening(port: port)
        }
        return TwilioStandIn(process: process, port: port, authToken: token, apiSecret: secret)
    }

    /// An RFC 2822 date as Twilio writes it.
    static func rfc2822(_ milliseconds: Int64) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss '+0000'"
        return formatter.string(from: Date(timeIntervalSince1970: Double(milliseconds) / 1000))
    }

    /// Upserts Message resources (partial: the stand-in fills in the rest).
    func put(_ messages: [[String: Any]]) async throws {
        _ = try await post("/_control/messages", messages)
    }

    /// Fault rules, e.g. `["status": 429, "probability": 0.3, "retry_after": "1"]`.
    func faults(_ rules: [[String: Any]]) async throws {
        _ = try await post("/_control/faults", rules)
    }

    func latency(milliseconds: Int) async throws {
        _ = try await post("/_control/latency", ["ms": milliseconds])
    }

    func reset() async throws {
        _ = try await post("/_control/reset", [String: Any]())
    }

    struct State: Decodable {
        var requests: [String: Int]
        var by_sid: [String: Int]
        var responses: [String: Int]
        var auth_failures: Int
        var contract_violations: [String]
        var max_in_flight: Int
        var usernames: [String]
    }

    func state() async throws -> State {
        let response = try await HTTPClient.shared.execute(HTTPClientRequest(url: baseURL + "/_control/state"), timeout: .seconds(10))
        let body = try await response.body.collect(upTo: 16 << 20)
        return try JSONDecoder().decode(State.self, from: Data(body.readableBytesView))
    }

    private func post(_ path: String, _ object: Any) async throws -> Data {
        var request = HTTPClientRequest(url: baseURL + path)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: object)))
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
        let body = try await response.body.collect(upTo: 1 << 20)
        guard response.status == .ok else {
            throw TestEnvironmentError("stand-in \(path): \(response.status) \(String(buffer: body))")
        }
        return Data(body.readableBytesView)
    }
}
