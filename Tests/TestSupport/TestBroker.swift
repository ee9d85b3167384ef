import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A private, in-memory Tansu broker on its own free port, for tests that stop or kill the broker.
///
/// Tests that only need a broker use the shared one (``TestEnvironment/brokers``). Call ``stop()`` when done;
/// the process is also killed when the last reference goes away.
public final class TestBroker: Sendable {
    public let port: Int
    public let process: ChildProcess

    /// `127.0.0.1:PORT`.
    public var address: String { "127.0.0.1:\(port)" }
    public var bootstrapServers: [String] { [address] }

    /// Starts Tansu on `port` (a fresh free port by default) and waits until it listens.
    public static func start(port: Int? = nil, timeout: Duration = .seconds(30)) async throws -> TestBroker {
        let port = try port ?? freePort()
        let directory = try TestEnvironment.makeTemporaryDirectory("tansu-\(port)")
        let process = try ChildProcess(
            try TestEnvironment.tansuPath,
            arguments: [
                "broker",
                "--listener-url", "tcp://127.0.0.1:\(port)",
                "--advertised-listener-url", "tcp://127.0.0.1:\(port)",
            ],
            outputPath: (directory as NSString).appendingPathComponent("tansu.log")
        )
        let broker = TestBroker(port: port, process: process)
        do {
            try await eventually(timeout: timeout, "tansu listening on \(broker.address)") {
                if let status = process.exitStatus {
                    throw TestEnvironmentError("tansu exited (\(status)): \(process.output().suffix(2000))")
                }
                return isListening(port: port)
            }
        } catch {
            process.kill()
            throw error
        }
        return broker
    }

    private init(port: Int, process: ChildProcess) {
        self.port = port
        self.process = process
    }

    /// Stops the broker gracefully (SIGTERM, then SIGKILL).
    public func stop() async {
        await process.stop(grace: .seconds(5))
    }

    /// Kills the broker abruptly (SIGKILL) and waits until it is gone. Its in-memory data is lost.
    public func kill() async {
        process.kill()
        _ = try? await process.waitForExit(timeout: .seconds(10))
    }

    /// Freezes the broker (SIGSTOP): connections stay open but nothing is answered, as in a network partition.
    /// Unlike a restart it keeps its in-memory state (topics, records, producer ids).
    /// Returns once the kernel reports the process stopped.
    public func pause() async {
        process.signal(SIGSTOP)
        try? await eventually(timeout: .seconds(5), poll: .milliseconds(5), "tansu stopped") {
            // /proc/PID/stat: "pid (comm) S ..."; T means stopped.
            let stat = (try? String(contentsOfFile: "/proc/\(self.process.pid)/stat", encoding: .utf8)) ?? ""
            return stat.split(separator: ")").last?.trimmingCharacters(in: .whitespaces).hasPrefix("T") ?? false
        }
    }

    /// Unfreezes a paused broker (SIGCONT).
    public func resume() {
        process.signal(SIGCONT)
    }

    /// Starts a fresh broker on the same port (the old one must be stopped).
    public func restart() async throws -> TestBroker {
        try await TestBroker.start(port: port)
    }
}
