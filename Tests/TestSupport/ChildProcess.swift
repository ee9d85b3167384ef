import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A child process for tests: launched with arguments and extra environment, its stdout and stderr captured
/// to one file, signalled with SIGTERM / SIGKILL, and awaited.
///
/// Spawned with `posix_spawn` and a clean signal mask and default signal handlers: the test runner blocks
/// most signals, and a child inheriting that (as with Foundation's `Process`) would never see SIGTERM.
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

    /// Shared with the thread that reaps the child.
    private final class TerminationBox: Sendable {
        let value = Mutex<Termination?>(nil)
    }

    private let termination: TerminationBox

    /// Launches `executable` (a path). `environment` is added to (and overrides) this process's environment.
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

        var fileActions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&fileActions)
        defer { posix_spawn_file_actions_destroy(&fileActions) }
        posix_spawn_file_actions_addopen(&fileActions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&fileActions, 1, path, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND, 0o644)
        posix_spawn_file_actions_adddup2(&fileActions, 1, 2)
        if let workingDirectory {
            // glibc has it since 2.29 but Swift does not import it.
            typealias AddChdir = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, UnsafePointer<CChar>) -> Int32
            guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addchdir_np") else {
                throw TestEnvironmentError("posix_spawn_file_actions_addchdir_np is unavailable")
            }
            _ = unsafeBitCast(symbol, to: AddChdir.self)(&fileActions, workingDirectory)
        }

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var emptyMask = sigset_t()
        sigemptyset(&emptyMask)
        var allSignals = sigset_t()
        sigfillset(&allSignals)
        posix_spawnattr_setsigmask(&attributes, &emptyMask)
        posix_spawnattr_setsigdefault(&attributes, &allSignals)
        // Own process group, so a terminal's Ctrl-C reaches only the test runner.
        posix_spawnattr_setpgroup(&attributes, 0)
        posix_spawnattr_setflags(
            &attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP)
        )

        let variables = ProcessInfo.processInfo.environment.merging(environment) { $1 }.map { "\($0.key)=\($0.value)" }
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = variables.map { strdup($0) } + [nil]
        defer {
            for pointer in argv { free(pointer) }
            for pointer in envp { free(pointer) }
        }
        var child: pid_t = 0
        let result = posix_spawn(&child, executable, &fileActions, &attributes, argv, envp)
        guard result == 0 else {
            throw TestEnvironmentError("cannot launch \(executable): \(String(cString: strerror(result)))")
        }
        pid = child
        let spawned = child

        let termination = TerminationBox()
        self.termination = termination
        let reaper = Thread {
            var status: Int32 = 0
            while waitpid(spawned, &status, 0) == -1 && errno == EINTR {}
            // WIFSIGNALED / WEXITSTATUS are macros Swift does not import.
            let signal = status & 0x7f
            let outcome: Termination = signal == 0 ? .exited((status >> 8) & 0xff) : .signalled(signal)
            termination.value.withLock { $0 = outcome }
        }
        reaper.name = "child-\(spawned)"
        reaper.start()
    }

    /// Whether the process has not exited yet.
    public var isRunning: Bool { termination.value.withLock { $0 == nil } }

    /// How it ended, or nil while it runs.
    public var exitStatus: Termination? { termination.value.withLock { $0 } }

    /// Sends SIGTERM (graceful shutdown).
    public func terminate() { signal(SIGTERM) }

    /// Sends SIGKILL.
    public func kill() { signal(SIGKILL) }

    /// Sends `signal` unless the process already exited (and was reaped).
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
        do {
            try await eventually(timeout: timeout, "\(executable) printing \"\(text)\"") {
                if self.output().contains(text) { return true }
                if let status = self.exitStatus {
                    throw TestEnvironmentError(
                        "\(self.executable) exited (\(status)) before printing \"\(text)\"; output:\n\(self.output().suffix(2000))"
                    )
                }
                return false
            }
        } catch let error as TestEnvironmentError where exitStatus == nil {
            // Still running but silent: what it did print says where it got stuck.
            throw TestEnvironmentError("\(error.message); output so far:\n\(output().suffix(2000))")
        }
    }

    deinit {
        signal(SIGKILL)
    }
}
