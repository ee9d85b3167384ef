import Consumer
package import Logging
import StatusRelayCore

/// Computes a ``DeliveryReport`` from a sink's database (see ``ReportQueries`` for the SQL and the
/// indexes it relies on).
package enum DeliveryReportGenerator {
    package static func generate(configuration: ReportConfiguration, logger: Logger) async throws(ReportError) -> DeliveryReport {
        let session = try await openSession(sink: configuration.sink, logger: logger)
        do {
            let report = try await generate(configuration: configuration, session: session, logger: logger)
            await session.close()
            return report
        } catch {
            await session.close()
            throw error
        }
    }

    /// Brings a sink database written by an older version up to the current schema by running the
    /// sink's own migrations (schema v2 adds what the report needs: `message_status.sender` and
    /// `messaging_service_sid`, and on SQLite the covering window index). A no-op on a current
    /// database. Takes seconds per million events, once; a running consumer of this version does
    /// the same at start. Returns what it did.
    package static func prepare(sink: String, logger: Logger) async throws(ReportError) -> String {
        let session = try await openSession(sink: sink, logger: logger)
        let columns: Set<String>
        do {
            columns = Set(try await session.query(session.dialect.statusColumnsQuery).compactMap { $0.first?.string })
            await session.close()
        } catch {
            await session.close()
            throw error
        }
        guard !columns.isEmpty else {
            throw ReportError(code: .missingTables, message: "the database has no StatusRelay tables; point --sink at a database a sink wrote")
        }
        if columns.contains("sender") && columns.contains("reconciled_status") && columns.contains("status_time") {
            return "nothing to prepare: the database has the current schema and the report's indexes"
        }
        do {
            let configuration = SinkFactory.Configuration()
            let migrator = try SinkFactory.makeSink(url: sink.trimmingCharacters(in: .whitespaces), configuration: configuration, logger: logger)
            try await migrator.start()
            try await migrator.shutdown()
        } catch {
            throw ReportError(code: .queryFailed, message: "migrating the sink's schema failed: \(error)", underlying: error)
        }
        return "migrated the sink's schema: the report's columns and indexes are in place"
    }

    static func openSession(sink: String, logger: Logger) async throws(ReportError) -> any ReportSession {
        let trimmed = sink.trimmingCharacters(in: .whitespaces)
        let lowered = trimmed.lowercased()
        if lowered.hasPrefix("sqlite:") {
            var path = String(trimmed.dropFirst("sqlite:".count))
            if path.hasPrefix("//") { path.removeFirst(2) }
            guard !path.isEmpty else { throw ReportError(code: .invalidSink, message: "sqlite: needs a path") }
            return try SQLiteReportSession(path: path)
        }
        if lowered.hasPrefix("postgres://") || lowered.hasPrefix("postgresql://") {
            return try await PostgresReportSession.connect(url: trimmed, logger: logger)
        }
        throw ReportError(code: .invalidSink, message: "the report reads sqlite:PATH or postgres://… sinks")
    }

    static func generate(
        configuration: ReportConfiguration, session: any ReportSession, logger: Logger
    ) async throws(ReportError) -> DeliveryReport {
        var queries = ReportQueries(
            dialect: session.dialect, since: configuration.since, until: configuration.until,
            bucketMilliseconds: configuration.bucket.milliseconds
        )
        let statusColumns = Set(try await session.query(session.dialect.statusColumnsQuery).compactMap { $0.first?.string })
        queries.migrated = statusColumns.contains("sender")
        queries.reconciliation = statusColumns.contains("reconciled_status")
        queries.twilioTime = statusColumns.contains("status_time")
        if !queries.migrated && !statusColumns.isEmpty {
            logger.warning(
                "the database was written by an older StatusRelay (schema before v2): the report reads the JSON payloads, which is slow; `statusrelay report --prepare` (or starting a current consumer) migrates it"
            )
        }
        let clock = ContinuousClock()
        let start = clock.now
        for statement in queries.rows + queries.groups {
            try await session.execute(statement)
        }
        logger.debug("report: per-message table built", metadata: ["elapsed": "\(clock.now - start)"])

        var report = DeliveryReport(
            generatedAt: configuration.now, since: configuration.since, until: configuration.until,
            bucket: configuration.bucket, stuckAfterMilliseconds: configuration.stuckAfter.milliseconds
        )
        // Counts: one row per group and status, summed up here for the periods and the totals.
        typealias GroupKey = [ReportValue]
        var groupOrder: [GroupKey] = []
        var groups: [GroupKey: DeliveryRow] = [:]
        var periods: [Int64: DeliveryRow] = [:]
        var totals = DeliveryStats()
        for values in try await session.query(queries.counts) {
            let key = Array(values[0..<4])
            let status = values[4].string ?? "unknown"
            let messages = Int(values[5].intValue)
            let late = Int(values[6].intValue)
            let repeated = Int(values[7].intValue)
            let events = Int(values[8].intValue)
            func add(_ stats: inout DeliveryStats) {
                stats.statusCounts[status, default: 0] += messages
                stats.lateEvents += late
                stats.repeatedEvents += repeated
                stats.events += events
            }
            if groups[key] == nil {
                groupOrder.append(key)
                groups[key] = DeliveryRow(
                    bucket: key[0].intValue, sender: key[1].string ?? "", messagingService: key[2].string ?? "",
                    channel: key[3].string ?? ""
                )
            }
            add(&groups[key]!.stats)
            let bucket = key[0].intValue
            add(&periods[bucket, default: DeliveryRow(bucket: bucket)].stats)
            add(&totals)
        }

        // Latencies: integers per group number, summarized here.
        var groupKeys: [Int64: GroupKey] = [:]
        for values in try await session.query(queries.groupList) {
            groupKeys[values[0].intValue] = Array(values[1...4])
        }
        var receipt = LatencyDistribution()
        for values in try await session.query(queries.latencies) {
            if let latency = values[1].int { receipt.add(latency, group: values[0].intValue) }
        }
        let summary = receipt.percentiles { gid in groupKeys[gid]?[0].intValue }
        if !groups.isEmpty { totals.latency = summary.all }
        for (bucket, percentiles) in summary.byKey where periods[bucket] != nil {
            periods[bucket]!.stats.latency = percentiles
        }
        for (gid, percentiles) in summary.byGroup {
            guard let key = groupKeys[gid], groups[key] != nil else { continue }
            groups[key]!.stats.latency = percentiles
        }
        report.totals = totals
        report.periods = sorted(Array(periods.values))
        report.groups = sorted(groupOrder.map { groups[$0]! })
        report.latencyHistogram = receipt.histogram()
        if let twilioLatencies = queries.twilioLatencies {
            let latencies = try await session.query(twilioLatencies).compactMap { $0[0].int }
            report.twilioLatency = LatencyDistribution.percentiles(latencies.sorted())
        }

        report.topErrors = try await session.query(queries.topErrors(limit: configuration.topErrorLimit)).map { row in
            let code = row[0].string ?? ""
            return ErrorCodeCount(code: code, messages: Int(row[1].intValue), meaning: TwilioErrorCatalog.meaning(of: code))
        }
        let cutoff = configuration.now - configuration.stuckAfter.milliseconds
        for row in try await session.query(queries.stuckCounts(cutoff: cutoff)) {
            let confirmed = Int(row[2].intValue)
            report.stuckCounts[row[0].string ?? "", default: 0] += Int(row[1].intValue) - confirmed
            if confirmed > 0 { report.confirmedStuckCounts[row[0].string ?? "", default: 0] += confirmed }
        }
        if let recovered = queries.recovered {
            for row in try await session.query(recovered) {
                report.recoveredCounts[row[0].string ?? "", default: 0] += Int(row[1].intValue)
            }
        }
        report.stuckSample = try await session.query(queries.stuckSample(cutoff: cutoff, limit: configuration.stuckSampleLimit)).map {
            StuckMessage(messageSid: $0[0].string ?? "", status: $0[1].string ?? "", updatedAt: $0[2].intValue)
        }
        for table in ReportQueries.temporaryTables {
            try? await session.execute("DROP TABLE IF EXISTS \(table)")
        }
        logger.debug("report: done", metadata: ["elapsed": "\(clock.now - start)"])
        return report
    }

    /// Time order, then by size, then by sender, service and channel.
    private static func sorted(_ rows: [DeliveryRow]) -> [DeliveryRow] {
        rows.sorted { lhs, rhs in
            if lhs.bucket != rhs.bucket { return (lhs.bucket ?? 0) < (rhs.bucket ?? 0) }
            if lhs.stats.messages != rhs.stats.messages { return lhs.stats.messages > rhs.stats.messages }
            return (lhs.sender ?? "", lhs.messagingService ?? "", lhs.channel ?? "")
                < (rhs.sender ?? "", rhs.messagingService ?? "", rhs.channel ?? "")
        }
    }
}
