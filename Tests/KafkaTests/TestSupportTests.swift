import Foundation
import Testing
import TestSupport

/// The shared test helpers every test target uses.
@Suite struct TestSupportTests {
    @Test func childProcessCapturesOutputAndExitStatus() async throws {
        let child = try ChildProcess(
            "/bin/sh", arguments: ["-c", "echo hello $GREETING; pwd; echo oops >&2; exit 3"], environment: ["GREETING": "world"],
            workingDirectory: "/usr/lib"
        )
        #expect(try await child.waitForExit() == .exited(3))
        #expect(child.output().contains("hello world"))
        #expect(child.output().contains("oops"))
        #expect(child.output().contains("/usr/lib\n"))
    }

    @Test func childProcessIsStoppedBySignals() async throws {
        let child = try ChildProcess("/bin/sleep", arguments: ["60"])
        #expect(child.isRunning)
        // SIGTERM must not be blocked or ignored in the child, whatever the test runner's mask.
        let status = try String(contentsOfFile: "/proc/\(child.pid)/status", encoding: .utf8)
        #expect(status.contains("SigBlk:\t0000000000000000"), "\(status)")
        child.terminate()
        #expect(try await child.waitForExit(timeout: .seconds(10)) == .signalled(15))
        let stubborn = try ChildProcess("/bin/sh", arguments: ["-c", "trap '' TERM; echo ready; sleep 60"])
        try await stubborn.waitForOutput(containing: "ready")
        #expect(await stubborn.stop(grace: .milliseconds(300)) == .signalled(9))
    }

    @Test func eventuallyPassesAndFailsClearly() async throws {
        var calls = 0
        try await eventually(timeout: .seconds(5)) {
            calls += 1
            return calls == 3
        }
        #expect(calls == 3)
        await #expect {
            try await eventually(timeout: .milliseconds(200), poll: .milliseconds(20), "never") { false }
        } throws: { "\($0)".contains("never did not become true") }
    }

    @Test func freePortsAreUsableAndNamesUnique() throws {
        let port = try freePort()
        #expect(port > 0 && port < 65536)
        #expect(!isListening(port: port))
        #expect(TestEnvironment.uniqueName("x") != TestEnvironment.uniqueName("x"))
        #expect(TestEnvironment.uniqueName("topic").hasPrefix("topic-"))
        #expect(TestEnvironment.consumerTuning["session.timeout.ms"] == "6000")
    }
}
