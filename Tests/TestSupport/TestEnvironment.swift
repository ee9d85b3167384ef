import Foundation

/// Locations of the real parts that `scripts/test.sh` starts and exports.
///
/// Every accessor throws a clear ``TestEnvironmentError`` when its variable is missing, so a test that
/// needs a broker fails (never skips) when run outside `scripts/test.sh`.
public enum TestEnvironment {
    /// The shared Tansu broker, `host:port` (`STATUSRELAY_TEST_BROKERS`).
    public static var brokers: String {
        get throws { try require("STATUSRELAY_TEST_BROKERS") }
    }

    /// ``brokers`` split on commas, ready for `bootstrapServers`.
    public static var bootstrapServers: [String] {
        get throws {
            try brokers.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) }
        }
    }

    /// `postgres://statusrelay@127.0.0.1:PORT/statusrelay` (`STATUSRELAY_TEST_POSTGRES_URL`).
    public static var postgresURL: String {
        get throws { try require("STATUSRELAY_TEST_POSTGRES_URL") }
    }

    /// The venv Python with twilio, confluent-kafka, jsonschema, flask, gunicorn (`STATUSRELAY_PYTHON`).
    public static var python: String {
        get throws { try require("STATUSRELAY_PYTHON") }
    }

    /// Debug bin dir holding the three executables (`STATUSRELAY_BIN_DIR`).
    public static var binDir: String {
        get throws { try require("STATUSRELAY_BIN_DIR") }
    }

    /// The repository root (`STATUSRELAY_REPO_ROOT`, else derived from this file's path).
    public static var repoRoot: String {
        if let value = ProcessInfo.processInfo.environment["STATUSRELAY_REPO_ROOT"], !value.isEmpty {
            return value
        }
        // Tests/TestSupport/TestEnvironment.swift -> repo root.
        return URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
    }

    /// A temporary directory that lives for the whole test run (`STATUSRELAY_TEST_STATE_DIR`).
    public static var stateDir: String {
        get throws { try require("STATUSRELAY_TEST_STATE_DIR") }
    }

    /// The tansu binary, to start private brokers (`STATUSRELAY_TANSU`).
    public static var tansuPath: String {
        get throws { try require("STATUSRELAY_TANSU") }
    }

    /// The PostgreSQL bin dir (`STATUSRELAY_PG_BIN`).
    public static var pgBin: String {
        get throws { try require("STATUSRELAY_PG_BIN") }
    }

    /// librdkafka consumer settings every test consumer should use: Tansu's first group join takes
    /// more than 20 s with the defaults.
    public static let consumerTuning: [String: String] = [
        "session.timeout.ms": "6000",
        "max.poll.interval.ms": "10000",
        "heartbeat.interval.ms": "1000",
    ]

    /// A name unique to this call, safe for topics, groups, tables and file names: `prefix-<uuid>`.
    public static func uniqueName(_ prefix: String) -> String {
        let suffix = UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(12)
        return "\(prefix)-\(suffix)"
    }

    /// A fresh directory under ``stateDir`` (or the system temp dir when unset) for one test.
    public static func makeTemporaryDirectory(_ prefix: String = "test") throws -> String {
        let base = (try? stateDir) ?? NSTemporaryDirectory()
        let path = (base as NSString).appendingPathComponent(uniqueName(prefix))
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    static func require(_ name: String) throws -> String {
        guard let value = ProcessInfo.processInfo.environment[name], !value.isEmpty else {
            throw TestEnvironmentError(
                "\(name) is not set: run the tests through scripts/test.sh, which starts the real broker and PostgreSQL and exports it"
            )
        }
        return value
    }
}
