import Consumer
import Foundation
import Kafka
public import Logging
import StatusEvents
import StatusRelayCore
import Synchronization

/// Replays a range of the raw topic into sinks, for backfill.
///
/// - The range is fixed when it starts: start offsets from `--from` (offsets-for-times for a time),
///   end offsets from `--to` or the high watermarks at start, so it terminates.
/// - It reads with a manual-assignment consumer under a throw-away group id: it joins no group and
///   commits nothing, so it can run while the live consumer runs.
/// - Records go through the consumer's own ``Reorderer`` with a constant clock: release then depends
///   only on event time and record order, so replaying the same range always releases the same
///   events in the same order with the same sequences and late flags. At the end everything still
///   buffered is released.
/// - Sinks are the consumer's (``SinkFactory``), which write idempotently by event id and never move
///   a status backwards: replaying twice, or over what the live consumer wrote, changes nothing.
///   (Sequences restart at 1 for the range: replay from `earliest` to get the live numbering for
///   messages whose earlier events precede the range.)
public struct Replayer: Sendable {
    public let configuration: ReplayConfiguration
    public let logger: Logger

    public init(configuration: ReplayConfiguration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
    }

    /// Works out the ranges without reading anything.
    public func plan() async throws(ReplayError) -> [ReplayRange] {
        let admin: KafkaAdminClient
        do {
            admin = try KafkaAdminClient(
                bootstrapServers: configuration.bootstrapServers, additional: configuration.kafkaAdditional, logger: logger
            )
        } catch {
            throw ReplayError(code: .kafka, message: "admin client: \(error)")
        }
        do {
            let watermarks = try await admin.watermarks(topic: configuration.topic)
            guard !watermarks.isEmpty else {
                throw ReplayError(code: .invalidConfiguration, message: "topic \(configuration.topic) has no partitions")
            }
            var fromTimes: [Int32: Int64] = [:]
            var toTimes: [Int32: Int64] = [:]
            if case .time(let time) = configuration.from {
                fromTimes = try await admin.offsets(forTimestampMs: time, topic: configuration.topic)
            }
            if case .time(let time) = configuration.to {
                toTimes = try await admin.offsets(forTimestampMs: time, topic: configuration.topic)
            }
            return try ReplayRange.plan(
                from: configuration.from, to: configuration.to, watermarks: watermarks,
                fromTimeOffsets: fromTimes, toTimeOffsets: toTimes
            )
        } catch let error as ReplayError {
            throw error
        } catch {
            throw ReplayError(code: .kafka, message: "offsets of \(configuration.topic): \(error)")
        }
    }

    public func run() async throws(ReplayError) -> ReplayResult {
        guard !configuration.sinks.isEmpty else {
            throw ReplayError(code: .invalidConfiguration, message: "at least one --sink is needed")
        }
        var result = ReplayResult()
        result.ranges = try await plan().filter { $0.count > 0 }
        logger.info(
            "replay planned",
            metadata: [
                "topic": "\(configuration.topic)", "ranges": "\(result.ranges.map(\.description).joined(separator: " "))",
                "events": "\(result.total)", "dry_run": "\(configuration.dryRun)",
            ]
        )
        let producer = try makeProducerIfNeeded()
        let sinks = try makeSinks(producer: producer)
        do {
            result = try await withThrowingTaskGroup(of: Void.self) { group in
                if let producer { group.addTask { try await producer.run() } }
                defer { group.cancelAll() }
                if !configuration.dryRun {
                    for sink in sinks { try await sink.start() }
                }
                var outcome = result
                if !result.ranges.isEmpty {
                    try await read(into: &outcome, sinks: configuration.dryRun ? [] : sinks)
                }
                if !configuration.dryRun {
                    for sink in sinks { try await sink.shutdown() }
                }
                return outcome
            }
        } catch let error as ReplayError {
            throw error
        } catch {
            throw ReplayError(code: .sink, message: "\(error)")
        }
        return result
    }

    // MARK: - Reading

    private func read(into result: inout ReplayResult, sinks: [any EventSink]) async throws {
        let topic = configuration.topic
        var consumerConfiguration = KafkaConsumerConfiguration(
            bootstrapServers: configuration.bootstrapServers, groupID: "", clientID: "statusrelay-replay",
            additional: configuration.kafkaAdditional
        )
        consumerConfiguration.maxBufferedMessages = 5_000
        let consumer: KafkaConsumer
        do {
            consumer = try KafkaConsumer(
                assignment: result.ranges.map { KafkaTopicPartitionOffset(topic: topic, partition: $0.partition, offset: $0.start) },
                configuration: consumerConfiguration, logger: logger
            )
        } catch {
            throw ReplayError(code: .kafka, message: "consumer: \(error)")
        }
        let ends = Dictionary(uniqueKeysWithValues: result.ranges.map { ($0.partition, $0.end) })
        let starts = Dictionary(uniqueKeysWithValues: result.ranges.map { ($0.partition, $0.start) })
        var positions: [Int32: Int64] = starts
        var unfinished = Set(result.ranges.map(\.partition))
        let lastActivity = Mutex(ContinuousClock.now)
        let idleTimeout = configuration.idleTimeout
        var progress = ReplayProgressReporter(total: result.total, enabled: configuration.showProgress)
        var reorderer = Reorderer(topic: topic, configuration: configuration.reorder)
        var dryRun = ReplayDryRun()
        var pending: [ReleasedEvent] = []

        func done() -> Int64 { positions.reduce(0) { $0 + ($1.value - starts[$1.key]!) } }
        func flush() async throws {
            guard !pending.isEmpty else { return }
            let batch = pending
            pending.removeAll(keepingCapacity: true)
            result.released += Int64(batch.count { !$0.isConfirmation })
            if configuration.dryRun {
                dryRun.add(batch)
                return
            }
            for sink in sinks {
                do { try await sink.write(batch) } catch {
                    throw ReplayError(code: .sink, message: "\(sink.name): \(error)")
                }
            }
        }

        let running = Task { try await consumer.run() }
        // Ends the read when a partition stops delivering before its end offset (gaps).
        let watchdog = Task {
            while !Task.isCancelled {
                try await Task.sleep(for: .milliseconds(250))
                if ContinuousClock.now - lastActivity.withLock({ $0 }) > idleTimeout {
                    try? await consumer.close()
                    return
                }
            }
        }
        defer {
            watchdog.cancel()
            running.cancel()
        }
        do {
            progress.update(done: 0, force: true)
            do {
                for try await message in consumer.messages {
                    lastActivity.withLock { $0 = ContinuousClock.now }
                    guard message.topic == topic, let end = ends[message.partition], unfinished.contains(message.partition)
                    else { continue }
                    if message.offset >= end {
                        unfinished.remove(message.partition)
                        if unfinished.isEmpty { break }
                        continue
                    }
                    result.read += 1
                    positions[message.partition] = message.offset + 1
                    do {
                        let event = try StatusEventCodec.decode(message.value)
                        // A constant clock: release depends on event time only (deterministic).
                        reorderer.add(
                            event, from: message.partition, offset: message.offset, now: 0,
                            wallClock: PlausibilityClock.reference(wallClock: PlausibilityClock.now(), recordTimestamp: message.timestampMs),
                            into: &pending
                        )
                    } catch {
                        result.undecodable += 1
                        logger.warning(
                            "skipping undecodable record",
                            metadata: ["partition": "\(message.partition)", "offset": "\(message.offset)", "error": "\(error)"]
                        )
                    }
                    if message.offset + 1 >= end {
                        unfinished.remove(message.partition)
                    }
                    if pending.count >= configuration.batchSize { try await flush() }
                    progress.update(done: done())
                    if unfinished.isEmpty { break }
                }
            } catch let error as KafkaError {
                throw ReplayError(code: .kafka, message: "reading \(topic): \(error)")
            }
        }
        watchdog.cancel()
        running.cancel()
        _ = await running.result
        result.stoppedEarly = unfinished.sorted()
        if !unfinished.isEmpty {
            logger.warning(
                "partitions delivered nothing more before their end offset; treating the rest as gaps",
                metadata: ["partitions": "\(result.stoppedEarly)", "idle_timeout": "\(DurationFormat.format(idleTimeout))"]
            )
        }
        // End of the range: release everything still buffered, in order.
        reorderer.advance(now: .max, into: &pending)
        try await flush()
        if !configuration.dryRun {
            for sink in sinks {
                do { try await sink.flush() } catch {
                    throw ReplayError(code: .sink, message: "\(sink.name): \(error)")
                }
            }
        }
        progress.finish(done: done())
        result.duplicates = Int64(reorderer.statistics.duplicates + reorderer.statistics.crossSourceDuplicates)
        result.late = Int64(reorderer.statistics.late)
        if configuration.dryRun {
            result.dryRun = try await summarize(dryRun)
        }
    }

    // MARK: - Sinks

    private var needsProducer: Bool {
        !configuration.dryRun && configuration.sinks.contains { url in
            let lowered = url.lowercased()
            return lowered.hasPrefix("kafka:") || lowered.hasPrefix("http://") || lowered.hasPrefix("https://")
        }
    }

    private func makeProducerIfNeeded() throws(ReplayError) -> KafkaProducer? {
        guard needsProducer else { return nil }
        do {
            return try KafkaProducer(
                configuration: KafkaProducerConfiguration(
                    bootstrapServers: configuration.bootstrapServers, clientID: "statusrelay-replay",
                    additional: configuration.kafkaAdditional
                ),
                logger: logger
            )
        } catch {
            throw ReplayError(code: .kafka, message: "producer: \(error)")
        }
    }

    private func makeSinks(producer: KafkaProducer?) throws(ReplayError) -> [any EventSink] {
        // With an admin client, `kafka:` sinks create their topic when it does not exist yet.
        let admin = producer == nil ? nil : try? KafkaAdminClient(
            bootstrapServers: configuration.bootstrapServers, additional: configuration.kafkaAdditional, logger: logger
        )
        var sinkConfiguration = SinkFactory.Configuration(kafkaProducer: producer, kafkaAdmin: admin)
        // Replays write big batches; the default FULL sync per batch is still safe and fast enough.
        sinkConfiguration.sqlite.synchronous = .normal
        var sinks: [any EventSink] = []
        for url in configuration.sinks {
            if configuration.dryRun {
                // Validated only; a dry run writes nothing.
                let lowered = url.lowercased()
                if lowered.hasPrefix("kafka:") || lowered.hasPrefix("http://") || lowered.hasPrefix("https://") { continue }
            }
            do {
                sinks.append(try SinkFactory.makeSink(url: url, configuration: sinkConfiguration, logger: logger))
            } catch {
                throw ReplayError(code: .invalidConfiguration, message: "--sink \(SecretRedaction.redact(url: url)): \(error)")
            }
        }
        return sinks
    }

    // MARK: - Dry run

    private func summarize(_ dryRun: ReplayDryRun) async throws(ReplayError) -> ReplayDryRunSummary {
        let database = configuration.sinks.first { url in
            let lowered = url.lowercased()
            return lowered.hasPrefix("sqlite:") || lowered.hasPrefix("postgres://") || lowered.hasPrefix("postgresql://")
        }
        guard let database else {
            return dryRun.summarize(existingEventIDs: [], current: [:], sampleSize: configuration.dryRunSampleSize, comparedWith: nil)
        }
        let redacted = SecretRedaction.redact(url: database)
        if database.lowercased().hasPrefix("sqlite:") {
            var path = String(database.dropFirst("sqlite:".count))
            if path.hasPrefix("//") { path.removeFirst(2) }
            if !FileManager.default.fileExists(atPath: path) {
                return dryRun.summarize(
                    existingEventIDs: [], current: [:], sampleSize: configuration.dryRunSampleSize, comparedWith: redacted
                )
            }
        }
        let session: any ReportSession
        do {
            session = try await DeliveryReportGenerator.openSession(sink: database, logger: logger)
        } catch {
            throw ReplayError(code: .database, message: "\(redacted): \(error.message)")
        }
        do {
            var existing: Set<String> = []
            var current: [String: (status: String, key: CurrentStatusRule.Key)] = [:]
            let ids = dryRun.eventIDs
            for chunkStart in stride(from: 0, to: ids.count, by: 500) {
                let list = Self.sqlList(ids[chunkStart..<min(chunkStart + 500, ids.count)])
                for row in try await session.query("SELECT event_id FROM message_status_events WHERE event_id IN (\(list))") {
                    if let id = row[0].string { existing.insert(id) }
                }
            }
            let sids = dryRun.messageSids
            // The rule's status time as the sinks compare it (`status_time` exists since migration v3).
            let columns = try await session.query(session.dialect.statusColumnsQuery).compactMap { $0.first?.string }
            let statusTime = columns.contains("status_time") ? "COALESCE(status_time, updated_at)" : "updated_at"
            for chunkStart in stride(from: 0, to: sids.count, by: 500) {
                let list = Self.sqlList(sids[chunkStart..<min(chunkStart + 500, sids.count)])
                for row in try await session.query(
                    "SELECT message_sid, status, \(statusTime), last_event_id FROM message_status WHERE message_sid IN (\(list))"
                ) {
                    if let sid = row[0].string {
                        let status = row[1].string ?? ""
                        current[sid] = (status, CurrentStatusRule.Key(status: status, statusTime: row[2].intValue, eventID: row[3].string ?? ""))
                    }
                }
            }
            await session.close()
            return dryRun.summarize(
                existingEventIDs: existing, current: current, sampleSize: configuration.dryRunSampleSize, comparedWith: redacted
            )
        } catch {
            await session.close()
            if error.code == .missingTables {
                return dryRun.summarize(
                    existingEventIDs: [], current: [:], sampleSize: configuration.dryRunSampleSize, comparedWith: redacted
                )
            }
            throw ReplayError(code: .database, message: "\(redacted): \(error.message)")
        }
    }

    private static func sqlList(_ values: ArraySlice<String>) -> String {
        values.map { "'" + $0.replacingOccurrences(of: "'", with: "''") + "'" }.joined(separator: ", ")
    }
}
