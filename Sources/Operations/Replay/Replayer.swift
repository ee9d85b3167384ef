import Consumer
import Foundation
import Kafka
package import Logging
import StatusEvents
import StatusRelayCore

/// Replays a range of the raw topic into sinks, for backfill.
///
/// - The range is fixed when it starts: start offsets from `--from` (offsets-for-times for a time),
///   end offsets from `--to` or the high watermarks at start, so it terminates.
/// - It reads with a manual-assignment consumer under a throw-away group id: it joins no group and
///   commits nothing, so it can run while the live consumer runs.
/// - Records go through the live consumer's pipeline (``EventPipeline``): the same decoding and key
///   check, reordering, sink retries with backoff, per-event sink isolation and dead-lettering. The
///   reorder clock is constant: release then depends only on event time and record order, so
///   replaying the same range always releases the same events in the same order with the same
///   sequences and late flags. At the end everything still buffered is released.
/// - Sinks are the consumer's (``SinkFactory``), which write idempotently by event id and never move
///   a status backwards: replaying twice, or over what the live consumer wrote, changes nothing.
///   (Sequences restart at 1 for the range: replay from `earliest` to get the live numbering for
///   messages whose earlier events precede the range.)
package struct Replayer: Sendable {
    package let configuration: ReplayConfiguration
    package let logger: Logger

    package init(configuration: ReplayConfiguration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
    }

    /// Works out the ranges without reading anything.
    package func plan() async throws(ReplayError) -> [ReplayRange] {
        let admin: KafkaAdminClient
        do {
            admin = try KafkaAdminClient(
                bootstrapServers: configuration.bootstrapServers, additional: configuration.kafkaAdditional, logger: logger
            )
        } catch {
            throw ReplayError(code: .kafka, message: "admin client: \(error)", underlying: error)
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
            throw ReplayError(code: .kafka, message: "offsets of \(configuration.topic): \(error)", underlying: error)
        }
    }

    package func run() async throws(ReplayError) -> ReplayResult {
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
        let admin = try makeAdminIfNeeded(producer: producer)
        let sinks = try makeSinks(producer: producer, admin: admin)
        do {
            result = try await withThrowingTaskGroup(of: Void.self) { group in
                if let producer { group.addTask { try await producer.run() } }
                defer { group.cancelAll() }
                for sink in sinks { try await sink.start() }
                if let admin, let topic = pipelineConfiguration.deadLetterTopic, !topic.isEmpty {
                    // As the live consumer: a dead letter never waits on topic auto-creation.
                    let partitions = try await admin.partitions(of: configuration.topic)
                    try await admin.createTopic(topic, partitions: Int32(max(1, partitions.count)))
                }
                var outcome = result
                if !result.ranges.isEmpty {
                    try await read(into: &outcome, sinks: sinks, producer: producer)
                }
                for sink in sinks { try await sink.shutdown() }
                return outcome
            }
        } catch let error as ReplayError {
            throw error
        } catch {
            throw ReplayError(code: .sink, message: "\(error)", underlying: error)
        }
        return result
    }

    /// The pipeline's settings: the live consumer's defaults, with the replay's window and batch size.
    var pipelineConfiguration: ConsumerServiceConfiguration {
        ConsumerServiceConfiguration(
            topic: configuration.topic, reorder: configuration.reorder, maxBatchSize: configuration.batchSize,
            deadLetterTopic: configuration.deadLetterTopic
        )
    }

    // MARK: - Reading

    /// Runs the ranges through the consumer's pipeline: the live path's decoding and key check,
    /// reordering, sink retries with backoff, per-event sink isolation and dead-lettering.
    private func read(into result: inout ReplayResult, sinks: [any EventSink], producer: KafkaProducer?) async throws {
        let source: RangeRecordSource
        do {
            source = try RangeRecordSource(ranges: result.ranges, configuration: configuration, logger: logger)
        } catch {
            throw ReplayError(code: .kafka, message: "consumer: \(error)", underlying: error)
        }
        let progress = ReplayProgressTracker(ranges: result.ranges, enabled: configuration.showProgress)
        let pipeline = EventPipeline(
            configuration: pipelineConfiguration, sinks: sinks, source: source, checkpointer: ReplayCheckpointer(),
            progress: progress, producer: producer, logger: logger
        )
        let feeding = Task { await source.feed(pipeline) }
        let summary: PipelineSummary
        do {
            summary = try await pipeline.run()
        } catch {
            feeding.cancel()
            _ = await feeding.value
            if let error = error as? ConsumerServiceError, error.code == .readerFailed {
                throw ReplayError(code: .kafka, message: "reading \(configuration.topic): \(error.message)", underlying: error.underlying)
            }
            throw error
        }
        let outcome = await feeding.value
        progress.finish()
        result.read = outcome.read
        result.stoppedEarly = outcome.unfinished
        if !outcome.unfinished.isEmpty {
            logger.warning(
                "partitions delivered nothing more before their end offset; treating the rest as gaps",
                metadata: ["partitions": "\(result.stoppedEarly)", "idle_timeout": "\(DurationFormat.format(configuration.idleTimeout))"]
            )
        }
        result.released = summary.released
        result.undecodable = summary.deadLettered
        result.duplicates = Int64(summary.statistics.duplicates + summary.statistics.crossSourceDuplicates)
        result.late = Int64(summary.statistics.late)
        if let dryRun = sinks.lazy.compactMap({ $0 as? DryRunSink }).first {
            result.dryRun = try await summarize(dryRun.dryRun)
        }
    }

    // MARK: - Sinks

    /// For the dead-letter topic and the `kafka:` and HTTP sinks; a dry run sends nothing.
    private func makeProducerIfNeeded() throws(ReplayError) -> KafkaProducer? {
        guard !configuration.dryRun else { return nil }
        do {
            return try KafkaProducer(
                configuration: KafkaProducerConfiguration(
                    bootstrapServers: configuration.bootstrapServers, clientID: "statusrelay-replay",
                    additional: configuration.kafkaAdditional
                ),
                logger: logger
            )
        } catch {
            throw ReplayError(code: .kafka, message: "producer: \(error)", underlying: error)
        }
    }

    /// Creates the dead-letter topic and lets `kafka:` sinks create theirs.
    private func makeAdminIfNeeded(producer: KafkaProducer?) throws(ReplayError) -> KafkaAdminClient? {
        guard producer != nil else { return nil }
        do {
            return try KafkaAdminClient(
                bootstrapServers: configuration.bootstrapServers, additional: configuration.kafkaAdditional, logger: logger
            )
        } catch {
            throw ReplayError(code: .kafka, message: "admin client: \(error)", underlying: error)
        }
    }

    private func makeSinks(producer: KafkaProducer?, admin: KafkaAdminClient?) throws(ReplayError) -> [any EventSink] {
        var sinkConfiguration = SinkFactory.Configuration(kafkaProducer: producer, kafkaAdmin: admin)
        // Replays write big batches; the default FULL sync per batch is still safe and fast enough.
        sinkConfiguration.sqlite.synchronous = .normal
        var sinks: [any EventSink] = []
        for url in configuration.sinks {
            if configuration.dryRun {
                // Validated only; a dry run writes nothing.
                let lowered = url.lowercased()
                if lowered.hasPrefix("kafka:") || lowered.hasPrefix("http://") || lowered.hasPrefix("https://") { continue }
                do {
                    _ = try SinkFactory.makeSink(url: url, configuration: sinkConfiguration, logger: logger)
                } catch {
                    throw ReplayError(code: .invalidConfiguration, message: "--sink \(SecretRedaction.redact(url: url)): \(error)", underlying: error)
                }
                continue
            }
            do {
                sinks.append(try SinkFactory.makeSink(url: url, configuration: sinkConfiguration, logger: logger))
            } catch {
                throw ReplayError(code: .invalidConfiguration, message: "--sink \(SecretRedaction.redact(url: url)): \(error)", underlying: error)
            }
        }
        return configuration.dryRun ? [DryRunSink()] : sinks
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
            throw ReplayError(code: .database, message: "\(redacted): \(error.message)", underlying: error)
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
            throw ReplayError(code: .database, message: "\(redacted): \(error.message)", underlying: error)
        }
    }

    private static func sqlList(_ values: ArraySlice<String>) -> String {
        values.map { "'" + $0.replacingOccurrences(of: "'", with: "''") + "'" }.joined(separator: ", ")
    }
}
