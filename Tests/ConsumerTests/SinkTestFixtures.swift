import Foundation
import StatusEvents
import TestSupport

@testable import Consumer

/// Events and helpers shared by the sink tests.
enum SinkTestFixtures {
    static let accountSid = "AC00000000000000000000000000000001"

    /// A realistic status callback event. `extra` adds (or repeats) parameters.
    static func event(
        _ messageSid: String,
        _ status: String,
        at receivedAt: Int64 = 1_780_000_000_000,
        id: String? = nil,
        errorCode: Int? = nil,
        extra: [(String, String)] = []
    ) -> StatusEvent {
        var params: [String: StatusEvent.ParamValue] = [
            "AccountSid": .single(accountSid),
            "ApiVersion": .single("2010-04-01"),
            "From": .single("+15005550006"),
            "MessageSid": .single(messageSid),
            "MessageStatus": .single(status),
            "SmsSid": .single(messageSid),
            "SmsStatus": .single(status),
            "To": .single("+15005551234"),
            "Body": .single("Hello & welcome: 100% / ünïcode ✓ +1"),
        ]
        if let errorCode { params["ErrorCode"] = .single(String(errorCode)) }
        for (name, value) in extra {
            switch params[name] {
            case nil: params[name] = .single(value)
            case .single(let first)?: params[name] = .multiple([first, value])
            case .multiple(let values)?: params[name] = .multiple(values + [value])
            }
        }
        return StatusEvent(
            id: id ?? "ev-\(messageSid)-\(status)-\(receivedAt)",
            messageSid: messageSid,
            accountSid: accountSid,
            status: status,
            statusRank: MessageLifecycle.rank(of: status),
            errorCode: errorCode.map { .numeric($0) },
            channel: "sms",
            from: "+15005550006",
            to: "+15005551234",
            receivedAt: receivedAt,
            params: params
        )
    }

    /// `statuses` of one message released in the given order with sequences from `firstSequence`.
    static func released(
        _ messageSid: String,
        _ statuses: [String],
        firstSequence: Int = 1,
        late: Bool = false,
        topic: String = "status-events",
        partition: Int32 = 0,
        firstOffset: Int64 = 0,
        extra: [(String, String)] = []
    ) -> [ReleasedEvent] {
        statuses.enumerated().map { index, status in
            ReleasedEvent(
                event: event(messageSid, status, at: 1_780_000_000_000 + Int64(index) * 1000, extra: extra),
                sequence: firstSequence + index,
                late: late,
                topic: topic,
                partition: partition,
                offset: firstOffset + Int64(index)
            )
        }
    }

    /// A unique MessageSid.
    static func messageSid() -> String {
        "SM" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
    }

    /// Runs `bash scripts/<name> args...` from the repository and returns its stdout.
    @discardableResult
    static func runScript(_ name: String, _ arguments: [String]) async throws -> String {
        let directory = try TestEnvironment.makeTemporaryDirectory("script")
        let output = (directory as NSString).appendingPathComponent("out.log")
        let process = try ChildProcess(
            "/bin/bash",
            arguments: [(TestEnvironment.repoRoot as NSString).appendingPathComponent("scripts/\(name)")] + arguments,
            outputPath: output,
            workingDirectory: TestEnvironment.repoRoot
        )
        let status = try await process.waitForExit(timeout: .seconds(120))
        guard status == .exited(0) else {
            throw TestEnvironmentError("scripts/\(name) \(arguments) failed (\(status)): \(process.output().suffix(2000))")
        }
        return process.output()
    }
}
