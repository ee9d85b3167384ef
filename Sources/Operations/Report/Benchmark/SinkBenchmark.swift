package import Consumer
import Foundation
package import Logging

/// Sink write throughput: writes ``ReportFixture`` events (realistic callbacks, about 5 per message)
/// through a sink made by `SinkFactory`, in consumer-sized batches, and times only the `write`
/// calls (events are generated between batches, outside the clock). Driven by
/// `statusrelay bench sink`.
///
/// Like a live consumer, whose messages' statuses arrive seconds apart, a batch holds about one
/// event per message: the events of `batchSize` messages are emitted status by status (first
/// statuses of all of them, then the second ones, …), each message's in release order. So every
/// event is its own current-state upsert, the sinks' worst case.
package enum SinkBenchmark {
    package struct Result: Sendable, CustomStringConvertible {
        package var sink: String
        package var events: Int
        package var batches: Int
        package var batchSize: Int
        /// Sum of the `write` calls.
        package var writeSeconds: Double
        /// Slowest single batch.
        package var slowestBatchSeconds: Double
        /// Of the whole process, after the run.
        package var maxResidentBytes: Int?
        /// User + system CPU of this process during the writes (not of a database server). On a
        /// loaded machine wall time mostly measures the wait for a core; this does not.
        package var cpuSeconds: Double = 0
        /// Bytes this process passed to write/pwrite and read/pread during the writes (Linux
        /// `/proc/self/io` wchar/rchar): WAL frames, checkpoints, pages re-read, network sends.
        package var writtenBytes: Int = 0
        package var readBytes: Int = 0

        package var eventsPerSecond: Double { writeSeconds > 0 ? Double(events) / writeSeconds : 0 }

        package var description: String {
            var text = """
                sink: \(sink)
                events: \(events) in \(batches) batches of up to \(batchSize)
                write time: \(String(format: "%.2f", writeSeconds)) s (slowest batch \(String(format: "%.3f", slowestBatchSeconds)) s)
                throughput: \(Int(eventsPerSecond)) events/s
                process CPU: \(String(format: "%.2f", cpuSeconds)) s (\(Int(cpuSeconds * 1e6 / Double(max(1, events)))) µs per event)
                process I/O: \(writtenBytes / max(1, events)) bytes written, \(readBytes / max(1, events)) bytes read per event
                """
            if let maxResidentBytes { text += "\nmax RSS: \(maxResidentBytes / 1_048_576) MiB" }
            return text
        }
    }

    /// - Parameters:
    ///   - messages: fixture messages (200,000 make about 930,000 events).
    ///   - configuration: the sink settings (e.g. SQLite `synchronous`).
    package static func run(
        sink url: String, messages: Int, batchSize: Int, configuration: SinkFactory.Configuration, logger: Logger,
        progress: (@Sendable (String) -> Void)? = nil
    ) async throws -> Result {
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        let sink = try SinkFactory.makeSink(url: url, configuration: configuration, logger: logger)
        try await sink.start()
        let clock = ContinuousClock()
        var result = Result(
            sink: url.hasPrefix("postgres") ? "postgres" : url, events: 0, batches: 0, batchSize: batchSize,
            writeSeconds: 0, slowestBatchSeconds: 0
        )
        // Messages start in time order (a few milliseconds apart, as live traffic), so
        // time-ordered indexes grow at their end as they do in production.
        let groupSpan = Int64(max(1, batchSize)) * 5
        let base = now - Int64(messages) * 5 - 600_000
        var offset: Int64 = -1
        var batch: [ReleasedEvent] = []
        batch.reserveCapacity(batchSize + 8)
        var reported = 0
        func flush() async throws {
            let started = clock.now
            let cpuStarted = cpuTime()
            let ioStarted = processIO()
            try await sink.write(batch)
            // Every batch is committed in this benchmark: a sink that overlaps its I/O gets no credit.
            try await sink.flush()
            result.cpuSeconds += cpuTime() - cpuStarted
            let ioEnded = processIO()
            result.writtenBytes += ioEnded.written - ioStarted.written
            result.readBytes += ioEnded.read - ioStarted.read
            let seconds = ReportBenchmark.seconds(clock.now - started)
            result.writeSeconds += seconds
            result.slowestBatchSeconds = max(result.slowestBatchSeconds, seconds)
            result.events += batch.count
            result.batches += 1
            batch.removeAll(keepingCapacity: true)
            if result.events - reported >= 100_000 {
                reported = result.events
                progress?("\(result.events) events, \(Int(Double(result.events) / result.writeSeconds)) events/s so far")
            }
        }
        do {
            for groupStart in stride(from: 0, to: messages, by: max(1, batchSize)) {
                let fixture = ReportFixture(
                    messages: messages, start: base + Int64(groupStart) * 5, spanMilliseconds: groupSpan
                )
                let group = (groupStart..<min(groupStart + max(1, batchSize), messages)).map {
                    fixture.events(ofMessage: $0, offset: &offset)
                }
                let rounds = group.map(\.count).max() ?? 0
                for round in 0..<rounds {
                    for events in group where round < events.count {
                        batch.append(events[round])
                        if batch.count >= batchSize { try await flush() }
                    }
                }
            }
            if !batch.isEmpty { try await flush() }
        } catch {
            try? await sink.shutdown()
            throw error
        }
        try await sink.shutdown()
        result.maxResidentBytes = maxResidentBytes()
        return result
    }

    /// User + system CPU seconds of the process so far.
    static func cpuTime() -> Double {
        var usage = rusage()
        guard getrusage(RUSAGE_SELF.rawValue, &usage) == 0 else { return 0 }
        return Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6
            + Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6
    }

    /// `wchar` and `rchar` of `/proc/self/io` (zeros where it does not exist).
    static func processIO() -> (written: Int, read: Int) {
        guard let text = try? String(contentsOfFile: "/proc/self/io", encoding: .utf8) else { return (0, 0) }
        var written = 0
        var read = 0
        for line in text.split(separator: "\n") {
            let parts = line.split(separator: ":")
            guard parts.count == 2, let value = Int(parts[1].trimmingCharacters(in: .whitespaces)) else { continue }
            if parts[0] == "wchar" { written = value } else if parts[0] == "rchar" { read = value }
        }
        return (written, read)
    }

    static func maxResidentBytes() -> Int? {
        var usage = rusage()
        guard getrusage(RUSAGE_SELF.rawValue, &usage) == 0 else { return nil }
        return Int(usage.ru_maxrss) * 1024
    }
}
