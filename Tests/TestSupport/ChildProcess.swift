import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A child process for tests: launched with arguments and extra environment, its stdout and stderr captured
/// to one file, signalled with SIGTERM / SIGKILL, and awaited.
public final class ChildProcess: Sendable {
    /// How the process ended.
    public enum Termination: Sendable, Hashable, CustomStringConvertible {
        case exited(Int32)
        case signalled(Int32)

        public var description: String {
            switch self {
            case .exited(let code): "exit code \(code)"
            case .signalled(let signal): "signal \(signal)"
            }
        }
    }

    public let executable: String
    public let arguments: [String]
    /// File holding the combined stdout and stderr.
    public let outputPath: String
    public let pid: Int32

    /// Shared with the termination handler, which outlives `init`'s scope.
    private final class TerminationBox: Sendable {
        let value = Mutex<Termination?>(nil)
    }

    private let termination: TerminationBox
    // Kept alive so its termination handler stays registered; signals go through `pid`.
    private let process: Process

    /// Launches `executable`. `environment` is added to (and overrides) this process's environment.
    public init(
        _ executable: String,
        arguments: [String] = [],
        environment: [String: String] = [:],
        outputPath: String? = nil,
        workingDirectory: String? = nil
    ) throws {
        self.executable = executable
        self.arguments = arguments
        let name = (executable as NSString).lastPathComponent
        let path = try outputPath ?? (TestEnvironment.makeTemporaryDirectory(name) as NSString)
            .appendingPathComponent("output.log")
        self.outputPath = path
        _ = FileManager.default.createFile(atPath: path, contents: nil)
        guard let handle = FileHandle(forWritingAtPath: path) else {
            throw TestEnvironmentError("cannot open \(path) for the output of \(executable)")
        }
        let termination = TerminationBox()
        self.termination = termination

        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        if let workingDirectory {
            process.currentDirectoryURL = URL(fileURLWithPath: workingDirectory)
        }
        process.standardOutput = handle
        process.standardError = handle
        process.standardInput = FileHandle.nullDevice
        process.terminationHandler = { finished in
            let result: Termination =
                finished.terminationReason == .uncaughtSignal
                ? .signalled(finished.terminationStatus) : .exited(finished.terminationStatus)
            termination.value.withLock { $0 = result }
            try? handle.close()
        }
        do {
            try process.run()
        } catch {
            try? handle.close()
            throw TestEnvironmentError("cannot launch \(executable): \(error)")
        }
        self.process = process
        self.pid = process.processIdentifier
    }

    /// Whether the process has not exited yet.
    public var isRunning: Bool { termination.value.withLock { $0 == nil } }

    /// How it ended, or nil while it runs.
    public var exitStatus: Termination? { termination.value.withLock { $0 } }

    /// Sends SIGTERM (graceful shutdown).
    public func terminate() { signal(SIGTERM) }

    /// Sends SIGKILL.
    public func kill() { signal(SIGKILL) }

    /// Sends `signal` unless the process already exited.
    public func signal(_ signal: Int32) {
        guard isRunning else { return }
        #if canImport(Glibc)
        _ = Glibc.kill(pid, signal)
        #else
        _ = Darwin.kill(pid, signal)
        #endif
    }

    /// Waits for the process to exit; throws if it still runs after `timeout`.
    @discardableResult
    public func waitForExit(timeout: Duration = .seconds(30)) async throws -> Termination {
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: timeout)
        while true {
            if let status = exitStatus { return status }
            if clock.now >= deadline {
                throw TestEnvironmentError("\(executable) (pid \(pid)) still running after \(timeout)")
            }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    /// Sends SIGTERM, waits up to `grace`, then SIGKILLs. For test cleanup; never throws.
    @discardableResult
    public func stop(grace: Duration = .seconds(10)) async -> Termination? {
        terminate()
        if let status = try? await waitForExit(timeout: grace) { return status }
        kill()
        return try? await waitForExit(timeout: .seconds(10))
    }

    /// The output captured so far.
    public func output() -> String {
        (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
    }

    /// Waits until the captured output contains `text`; fails early if the process exits first.
    public func waitForOutput(containing text: String, timeout: Duration = .seconds(30)) async throws {
        try await eventually(timeout: timeout, "\(executable) printing \"\(text)\"") {
            if self.output().contains(text) { return true }
            if let status = self.exitStatus {
                throw TestEnvironmentError(
                    "\(self.executable) exited (\(status)) before printing \"\(text)\"; output:\n\(self.output().suffix(2000))"
                )
            }
            return false
        }
    }

    deinit {
        signal(SIGKILL)
    }
}
