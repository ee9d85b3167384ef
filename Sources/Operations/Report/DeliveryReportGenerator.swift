public import Logging
import StatusRelayCore

/// Computes a ``DeliveryReport`` from a sink's database (see ``ReportQueries`` for the SQL and the
/// indexes it relies on).
public enum DeliveryReportGenerator {
    public static func generate(configuration: ReportConfiguration, logger: Logger) async throws(ReportError) -> DeliveryReport {
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

    /// Creates ``ReportIndex`` in a SQLite sink database (idempotent; takes seconds per million
    /// events). PostgreSQL needs nothing beyond the sink's own indexes. Returns what it did.
    public static func prepare(sink: String, logger: Logger) async throws(ReportError) -> String {
        let trimmed = sink.trimmingCharacters(in: .whitespaces)
        guard trimmed.lowercased().hasPrefix("sqlite:") else {
            return "nothing to prepare: PostgreSQL uses the sink's indexes"
        }
        var path = String(trimmed.dropFirst("sqlite:".count))
        if path.hasPrefix("//") { path.removeFirst(2) }
        let session = try SQLiteReportSession(path: path, writable: true)
        do {
            let columns = Set(
                try await session.query("SELECT name FROM pragma_table_xinfo('message_status_events')").compactMap { $0[0].string }
            )
            guard !columns.isEmpty else {
                throw ReportError(code: .missingTables, message: "\(path) has no message_status_events table")
            }
            let statements = ReportIndex.sqliteStatements(existingColumns: columns)
            try await session.executeInTransaction(statements)
            await session.close()
            return "index \(ReportIndex.name) ready"
        } catch let error as ReportError {
            await session.close()
            throw error
        } catch {
            await session.close()
            throw ReportError(code: .queryFailed, message: "\(error)")
        }
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
        if session.dialect == .sqlite {
            let found = try await session.query(
                "SELECT name FROM sqlite_master WHERE type = 'index' AND name = '\(ReportIndex.name)'"
            )
            queries.covering = !found.isEmpty
        }
        let clock = ContinuousClock()
        let start = clock.now
        for statement in queries.messages + queries.rows + queries.latencies {
            try await session.execute(statement)
        }
        logger.debug("report: per-message table built", metadata: ["elapsed": "\(clock.now - start)"])

        var report = DeliveryReport(
            generatedAt: configuration.now, since: configuration.since, until: configuration.until,
            bucket: configuration.bucket, stuckAfterMilliseconds: configuration.stuckAfter.milliseconds
        )
        let groupKeys = ["bucket", "sender", "service", "channel"]
        var groupNumbers: [Int64: [ReportValue]] = [:]
        for row in try await session.query(queries.groupNumbers) {
            groupNumbers[row[0].intValue] = Array(row[1...])
        }
        report.totals = try await rows(keys: [], queries: queries, session: session).first?.stats ?? DeliveryStats()
        report.periods = try await rows(keys: ["bucket"], queries: queries, session: session)
        report.groups = try await rows(keys: groupKeys, queries: queries, session: session, groupNumbers: groupNumbers)
        report.latencyHistogram = try await histogram(.delivered, queries: queries, session: session)
        report.carrierLatencyHistogram = try await histogram(.carrier, queries: queries, session: session)
        report.topErrors = try await session.query(queries.topErrors(limit: configuration.topErrorLimit)).map { row in
            let code = row[0].string ?? ""
            return ErrorCodeCount(code: code, messages: Int(row[1].intValue), meaning: TwilioErrorCatalog.meaning(of: code))
        }
        let cutoff = configuration.now - configuration.stuckAfter.milliseconds
        for row in try await session.query(queries.stuckCounts(cutoff: cutoff)) {
            report.stuckCounts[row[0].string ?? "", default: 0] += Int(row[1].intValue)
        }
        report.stuckSample = try await session.query(queries.stuckSample(cutoff: cutoff, limit: configuration.stuckSampleLimit)).map {
            StuckMessage(messageSid: $0[0].string ?? "", status: $0[1].string ?? "", updatedAt: $0[2].intValue)
        }
        for table in ["report_latency", "report_rows", "report_messages"] {
            try? await session.execute("DROP TABLE IF EXISTS \(table)")
        }
        logger.debug("report: done", metadata: ["elapsed": "\(clock.now - start)"])
        return report
    }

    /// Rows grouped by `keys` (a prefix of bucket, sender, service, channel), with percentiles.
    /// For the four-key level, percentiles are computed per group number and mapped back through
    /// `groupNumbers`.
    private static func rows(
        keys: [String], queries: ReportQueries, session: any ReportSession, groupNumbers: [Int64: [ReportValue]] = [:]
    ) async throws(ReportError) -> [DeliveryRow] {
        var order: [[ReportValue]] = []
        var rows: [[ReportValue]: DeliveryRow] = [:]
        func key(_ values: ArraySlice<ReportValue>) -> [ReportValue] { Array(values) }
        func makeRow(_ key: [ReportValue]) -> DeliveryRow {
            DeliveryRow(
                bucket: key.count > 0 ? key[0].int : nil,
                sender: key.count > 1 ? key[1].string ?? "" : nil,
                messagingService: key.count > 2 ? key[2].string ?? "" : nil,
                channel: key.count > 3 ? key[3].string ?? "" : nil
            )
        }
        for values in try await session.query(queries.counts(keys: keys)) {
            let rowKey = key(values[0..<keys.count])
            var row = rows[rowKey] ?? { order.append(rowKey); return makeRow(rowKey) }()
            let status = values[keys.count].string ?? "unknown"
            row.stats.statusCounts[status, default: 0] += Int(values[keys.count + 1].intValue)
            row.stats.lateEvents += Int(values[keys.count + 2].intValue)
            row.stats.repeatedEvents += Int(values[keys.count + 3].intValue)
            row.stats.events += Int(values[keys.count + 4].intValue)
            rows[rowKey] = row
        }
        for latency in [ReportQueries.Latency.delivered, .carrier] {
            var found: [[ReportValue]: (count: Int, values: [Int: Int64])] = [:]
            let byNumber = keys.count == 4
            let percentileKeys = byNumber ? ["gid"] : keys
            for values in try await session.query(queries.percentiles(keys: percentileKeys, latency: latency)) {
                let width = percentileKeys.count
                guard let rowKey = byNumber ? groupNumbers[values[0].intValue] : key(values[0..<width]) else { continue }
                let rank = Int(values[width].intValue)
                let count = Int(values[width + 1].intValue)
                found[rowKey, default: (count, [:])].values[rank] = values[width + 2].intValue
            }
            for (rowKey, entry) in found where rows[rowKey] != nil {
                let pick = { (percent: Int) -> Int64 in
                    entry.values[LatencyPercentiles.rank(percent: percent, count: entry.count)] ?? 0
                }
                let percentiles = LatencyPercentiles(count: entry.count, p50: pick(50), p90: pick(90), p99: pick(99))
                switch latency {
                case .delivered: rows[rowKey]!.stats.latency = percentiles
                case .carrier: rows[rowKey]!.stats.carrierLatency = percentiles
                }
            }
        }
        return order.map { rows[$0]! }.sorted { lhs, rhs in
            if lhs.bucket != rhs.bucket { return (lhs.bucket ?? 0) < (rhs.bucket ?? 0) }
            if lhs.stats.messages != rhs.stats.messages { return lhs.stats.messages > rhs.stats.messages }
            return (lhs.sender ?? "", lhs.messagingService ?? "", lhs.channel ?? "")
                < (rhs.sender ?? "", rhs.messagingService ?? "", rhs.channel ?? "")
        }
    }

    private static func histogram(
        _ latency: ReportQueries.Latency, queries: ReportQueries, session: any ReportSession
    ) async throws(ReportError) -> [HistogramBin] {
        let edges = HistogramBin.edges
        var bins = (0...edges.count).map { index in
            HistogramBin(lower: index == 0 ? 0 : edges[index - 1], upper: index < edges.count ? edges[index] : nil, count: 0)
        }
        for row in try await session.query(queries.histogram(latency: latency)) {
            let index = Int(row[0].intValue)
            if bins.indices.contains(index) { bins[index].count = Int(row[1].intValue) }
        }
        return bins
    }
}
