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
        // `(env: NAME, default: …)`; the operator CLI writes `(env NAME; default …)`.
        for match in helpText.matches(of: /env:?\s+([A-Z][A-Z0-9_]*)/) {
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
        var text = try await help(path, [])
        // A command with subcommands (the operator CLI): their options count too.
        for subcommand in subcommands(in: text) {
            text += "\n" + (try await help(path, [subcommand]))
        }
        return HelpSurface(executable: executable, helpText: text)
    }

    private static func help(_ path: String, _ subcommand: [String]) async throws -> String {
        let process = try ChildProcess(path, arguments: subcommand + ["--help"], environment: ["COLUMNS": "200"])
        let status = try await process.waitForExit(timeout: .seconds(30))
        guard status == .exited(0) else {
            throw TestEnvironmentError("\(path) \(subcommand.joined()) --help ended with \(status):\n\(process.output().suffix(2000))")
        }
        return process.output()
    }

    /// Names listed under `SUBCOMMANDS:` (ArgumentParser's layout: two-space indent, name first).
    static func subcommands(in help: String) -> [String] {
        guard let section = help.firstRange(of: "SUBCOMMANDS:\n") else { return [] }
        // The section ends at the first blank line.
        let lines = help[section.upperBound...].split(separator: "\n", omittingEmptySubsequences: false).prefix { !$0.isEmpty }
        return lines.compactMap { line in
            guard line.hasPrefix("  "), !line.hasPrefix("   ") else { return nil }
            let name = line.dropFirst(2).prefix { !$0.isWhitespace }
            return name.isEmpty ? nil : String(name)
        }
    }
}
