import Foundation
import TestSupport

/// The flags and environment variables an executable documents in its `--help`.
///
/// Settings print their env var as `(env: NAME, default: ...)`; secrets add `--name-file` and
/// `(env: NAME_FILE)`. ArgumentParser may wrap a line between `env:` and the name, hence `\s+`.
struct HelpSurface: Sendable {
    var executable: String
    var flags: Set<String>
    var environmentVariables: Set<String>

    init(executable: String, helpText: String) {
        self.executable = executable
        var flags: Set<String> = []
        for match in helpText.matches(of: /(?:^|[^A-Za-z0-9_-])(--[a-z0-9][a-z0-9-]*)/) {
            flags.insert(String(match.output.1))
        }
        self.flags = flags
        var environment: Set<String> = []
        for match in helpText.matches(of: /env:\s+([A-Z][A-Z0-9_]*)/) {
            environment.insert(String(match.output.1))
        }
        self.environmentVariables = environment
    }

    /// Runs `BIN_DIR/executable --help` (the `scripts/test.sh` debug build).
    static func load(_ executable: String) async throws -> HelpSurface {
        let path = (try TestEnvironment.binDir as NSString).appendingPathComponent(executable)
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw TestEnvironmentError("\(path) does not exist: build it first (scripts/test.sh does)")
        }
        let process = try ChildProcess(path, arguments: ["--help"], environment: ["COLUMNS": "200"])
        let status = try await process.waitForExit(timeout: .seconds(30))
        let output = process.output()
        guard status == .exited(0) else {
            throw TestEnvironmentError("\(executable) --help ended with \(status):\n\(output.suffix(2000))")
        }
        return HelpSurface(executable: executable, helpText: output)
    }
}
