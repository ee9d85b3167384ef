import Foundation
#if canImport(Glibc)
import Glibc
#endif
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

    /// Runs `bash scripts/<name> args...` from the repository, waiting up to two minutes.
    @discardableResult
    static func runScript(_ name: String, _ arguments: [String]) async throws -> Int32 {
        let script = (TestEnvironment.repoRoot as NSString).appendingPathComponent("scripts/\(name)")
        let pid = try spawn("/bin/bash", [script] + arguments)
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: .seconds(120))
        while true {
            var status: Int32 = 0
            let result = waitpid(pid, &status, WNOHANG)
            if result == pid {
                let code = (status >> 8) & 0xFF
                guard status & 0x7F == 0, code == 0 else {
                    throw TestEnvironmentError("scripts/\(name) \(arguments) failed with status \(status)")
                }
                return code
            }
            if result < 0 { throw TestEnvironmentError("waitpid failed: errno \(errno)") }
            if clock.now >= deadline {
                kill(pid, SIGKILL)
                throw TestEnvironmentError("scripts/\(name) \(arguments) still running after 120 s")
            }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    /// Blocking variant for `defer` cleanup.
    @discardableResult
    static func runBlocking(_ executable: String, _ arguments: [String]) throws -> Int32 {
        let pid = try spawn(executable, arguments)
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        return status
    }

    /// posix_spawn with the test's environment; output goes to this process's stderr. (Foundation's
    /// Process is avoided here: its termination monitoring proved unreliable under parallel tests.)
    static func spawn(_ executable: String, _ arguments: [String]) throws -> pid_t {
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var fileActions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&fileActions)
        defer { posix_spawn_file_actions_destroy(&fileActions) }
        posix_spawn_file_actions_adddup2(&fileActions, 2, 1)
        var pid: pid_t = 0
        let result = posix_spawn(&pid, executable, &fileActions, nil, argv, environ)
        guard result == 0 else { throw TestEnvironmentError("posix_spawn \(executable) failed: \(result)") }
        return pid
    }
}
