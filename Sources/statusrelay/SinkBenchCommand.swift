import ArgumentParser
import Consumer
import Foundation
import Logging
import Operations

/// `statusrelay bench sink`: write throughput of one sink (SQLite, PostgreSQL, JSONL, …) with
/// realistic events, in a release build, without Kafka or the consumer pipeline around it.
struct SinkBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sink",
        abstract: "Sink write throughput: fixture events through SinkFactory in consumer-sized batches, events/s."
    )

    @Option(help: "sqlite:PATH, postgres://…, jsonl:PATH (use an empty database).")
    var sink: String

    @Option(help: "Messages to generate (about 4.6 events each; 216000 ≈ 1,000,000 events).")
    var messages = 216_000

    @Option(help: "Events per write call (the consumer's default --max-batch-size).")
    var batchSize = 5_000

    @Option(help: "SQLite synchronous mode: full or normal.")
    var sqliteSynchronous = "full"

    @Option(help: "SQLite page cache of the writing connection, MiB (default: the sink's).")
    var sqliteCacheMib: Int?

    @Option(help: "SQLite WAL pages between automatic checkpoints (default: the sink's).")
    var sqliteCheckpointPages: Int?

    @Flag(help: "Print one JSON object instead of text.")
    var json = false

    func run() async throws {
        var logger = Logger(label: "statusrelay.bench.sink")
        logger.logLevel = .warning
        var configuration = SinkFactory.Configuration()
        guard let synchronous = SQLiteSink.Configuration.Synchronous(rawValue: sqliteSynchronous.uppercased()) else {
            throw ValidationError("--sqlite-synchronous: expected full or normal")
        }
        configuration.sqlite.synchronous = synchronous
        if let sqliteCacheMib { configuration.sqlite.cacheBytes = sqliteCacheMib << 20 }
        if let sqliteCheckpointPages { configuration.sqlite.walAutocheckpointPages = sqliteCheckpointPages }
        let result = try await SinkBenchmark.run(
            sink: sink, messages: messages, batchSize: batchSize, configuration: configuration, logger: logger
        ) { line in
            FileHandle.standardError.write(Data((line + "\n").utf8))
        }
        if json {
            print(
                #"{"sink":"\#(result.sink)","events":\#(result.events),"batch_size":\#(result.batchSize),"write_seconds":\#(result.writeSeconds),"events_per_second":\#(Int(result.eventsPerSecond)),"max_rss_bytes":\#(result.maxResidentBytes ?? 0)}"#
            )
        } else {
            print(result)
        }
    }
}
