import Foundation
import Testing
import TestSupport

@testable import Consumer

/// The ceiling benchmarks (`scripts/bench/sqlite_ceiling.py`, `postgres_ceiling.py`) read the sinks'
/// guarded upsert through `scripts/bench/sink_sql.py`, which asks the built `statusrelay bench
/// sink-sql`. A ceiling that runs a different guard than the sinks measures something else, so the
/// script's answer must be the Swift value exactly, for both dialects.
@Suite("Sink SQL as the ceiling scripts read it")
struct SinkSQLScriptTests {
    @Test(arguments: [("sqlite", SinkSQL.Dialect.sqlite), ("postgres", .postgres)])
    func theScriptReadsTheGuardTheSinkRuns(dialect: String, swift: SinkSQL.Dialect) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try TestEnvironment.python)
        process.arguments = [(TestEnvironment.repoRoot as NSString).appendingPathComponent("scripts/bench/sink_sql.py"), dialect]
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(message)")
        #expect(String(decoding: data, as: UTF8.self) == SinkSQL.statusConflictClause(swift))
    }
}
