import ArgumentParser
import Consumer
import Foundation

/// `statusrelay bench sink-sql`: the PostgreSQL sink's statements and default parallelism as JSON,
/// so the ceiling benchmarks run exactly what the sinks run (scripts/bench/sink_sql.py reads it).
struct SinkSQLCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sink-sql",
        abstract: "The SQL sinks' statements and default parallelism, one JSON object (for the ceiling benchmarks)."
    )

    func run() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        print(String(decoding: try encoder.encode(PostgresSinkStatements.current), as: UTF8.self))
    }
}
