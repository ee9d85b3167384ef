import Foundation
import TestSupport

/// Runs an executable with exactly the given environment (nothing inherited from the test runner,
/// whose STATUSRELAY_* variables would otherwise leak in) and returns its exit status and output.
enum ConfigCheck {
    struct Result: Sendable {
        var status: Int32
        var output: String
    }

    static func run(_ executable: String, arguments: [String], environment: [String: String]) async throws -> Result {
        let directory = try TestEnvironment.makeTemporaryDirectory("config-check")
        let outputPath = (directory as NSString).appendingPathComponent("output.log")
        _ = FileManager.default.createFile(atPath: outputPath, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: outputPath))
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = environment.merging(["PATH": "/usr/bin:/bin"]) { current, _ in current }
        process.standardOutput = handle
        process.standardError = handle
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let deadline = ContinuousClock.now.advanced(by: .seconds(30))
        while process.isRunning {
            guard ContinuousClock.now < deadline else {
                process.terminate()
                throw TestEnvironmentError("\(executable) \(arguments.joined(separator: " ")) still running after 30 s")
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        try handle.close()
        let output = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
        return Result(status: process.terminationStatus, output: output)
    }

    /// Compose-style interpolation of `value`: `${NAME:-default}`, `${NAME-default}`,
    /// `${NAME:?message}`, `${NAME}` and `$$`, with `variables` standing in for the host environment.
    static func interpolate(_ value: String, variables: [String: String]) -> String {
        var result = ""
        var rest = Substring(value)
        while let dollar = rest.firstIndex(of: "$") {
            result += rest[..<dollar]
            rest = rest[rest.index(after: dollar)...]
            if rest.first == "$" {
                result += "$"
                rest = rest.dropFirst()
            } else if rest.first == "{", let close = rest.firstIndex(of: "}") {
                let body = rest[rest.index(after: rest.startIndex)..<close]
                rest = rest[rest.index(after: close)...]
                let name = body.prefix { $0.isLetter || $0.isNumber || $0 == "_" }
                let modifier = body.dropFirst(name.count)
                let given = variables[String(name)]
                if modifier.hasPrefix(":-") {
                    result += (given?.isEmpty == false ? given! : String(modifier.dropFirst(2)))
                } else if modifier.hasPrefix("-") {
                    result += given ?? String(modifier.dropFirst())
                } else {
                    result += given ?? ""
                }
            } else {
                result += "$"
            }
        }
        return result + rest
    }
}
