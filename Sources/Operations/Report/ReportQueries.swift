/// The report's SQL. Heavy work happens in the database: one pass over the history window builds a
/// per-message temporary table (`report_messages`, then `report_rows` joined with current state),
/// and every figure is a GROUP BY or window function over it. Only literal integers this code
/// computed are spliced into the text; nothing user-supplied is.
///
/// Indexes used (created by the sinks' migrations):
/// - `message_status_events_received_at (received_at)`: the window scan;
/// - the primary keys `message_status (message_sid)` and `message_status_events (event_id)`: the
///   per-message joins to current state and to the event that set it;
/// - `message_status_updated_at (updated_at)`: stuck messages.
///
/// On SQLite, `statusrelay report --prepare` adds ``ReportIndex`` (two virtual generated columns
/// and one covering index); with it the per-message pass reads only that index, never the JSON
/// payloads, which is what makes 1,000,000 events fit in seconds.
struct ReportQueries: Sendable {
    let dialect: ReportDialect
    let since: Int64
    let until: Int64
    let bucketMilliseconds: Int64
    /// Whether ``ReportIndex`` exists (SQLite only).
    var covering = false

    /// Whether the per-message pass also takes sender and messaging service (from the covering
    /// index on SQLite; from the JSONB payload on PostgreSQL, which reads each row anyway), so the
    /// second pass needs no join back to the history.
    var sendersInFirstPass: Bool { covering || dialect == .postgres }

    private var senderColumns: String {
        if covering {
            return ",\n  MAX(e.\(ReportIndex.fromColumn)) AS sender, MAX(e.\(ReportIndex.serviceColumn)) AS service"
        }
        if dialect == .postgres {
            return ",\n  MAX(\(dialect.payloadField("e", "from"))) AS sender, MAX(\(dialect.payloadField("e", "messagingServiceSid"))) AS service"
        }
        return ""
    }

    /// The final statuses, as a SQL list.
    static let finalStatusList = "('delivered', 'undelivered', 'failed', 'canceled', 'read')"

    /// Per message of the window: first event time, first `sent`/`delivered` times, carrier done
    /// time, late and repeated event counts.
    var messages: [String] {
        dialect.createTemporaryTable(
            "report_messages",
            as: """
                SELECT e.message_sid AS sid,
                  MIN(e.received_at) AS first_at,
                  MIN(CASE WHEN e.status = 'sent' THEN e.received_at END) AS sent_at,
                  MIN(CASE WHEN e.status = 'delivered' THEN e.received_at END) AS delivered_at,
                  MAX(\(dialect.dlrDoneMilliseconds("e"))) AS dlr_done_at,
                  SUM(\(dialect.flag("e.late"))) AS late_events,
                  COUNT(*) AS events,
                  COUNT(*) - \(dialect.distinctStatusCount("e.status")) AS repeated_events\(senderColumns)
                FROM message_status_events e\(covering ? " INDEXED BY \(ReportIndex.name)" : "")
                WHERE e.received_at >= \(since) AND e.received_at < \(until)
                GROUP BY e.message_sid
                """
        )
    }

    /// `report_messages` with the period, current status, error code, channel, sender and
    /// messaging service (read from the event that set the current status).
    var rows: [String] {
        dialect.createTemporaryTable(
            "report_rows",
            as: """
                SELECT m.sid, m.first_at, m.sent_at, m.delivered_at, m.dlr_done_at,
                  m.late_events, m.events, m.repeated_events,
                  (m.first_at / \(bucketMilliseconds)) * \(bucketMilliseconds) AS bucket,
                  COALESCE(s.status, 'unknown') AS status,
                  s.error_code AS error_code,
                  COALESCE(s.channel, '') AS channel,
                  \(sendersInFirstPass ? "COALESCE(m.sender, '')" : "COALESCE(\(dialect.payloadField("le", "from")), '')") AS sender,
                  \(sendersInFirstPass ? "COALESCE(m.service, '')" : "COALESCE(\(dialect.payloadField("le", "messagingServiceSid")), '')") AS service
                FROM report_messages m
                LEFT JOIN message_status s ON s.message_sid = m.sid
                \(sendersInFirstPass ? "" : "LEFT JOIN message_status_events le ON le.event_id = s.last_event_id")
                """
        )
    }

    /// Per message with a `sent` time: its group number (`gid`, one per period, sender, service and
    /// channel) and both latencies, so percentiles sort integers, not text keys.
    var latencies: [String] {
        dialect.createTemporaryTable(
            "report_latency",
            as: """
                SELECT bucket, sender, service, channel,
                  DENSE_RANK() OVER (ORDER BY bucket, sender, service, channel) AS gid,
                  CASE WHEN \(Latency.delivered.condition) THEN \(Latency.delivered.expression) END AS delivered_lat,
                  CASE WHEN \(Latency.carrier.condition) THEN \(Latency.carrier.expression) END AS carrier_lat
                FROM report_rows
                WHERE sent_at IS NOT NULL AND (delivered_at IS NOT NULL OR dlr_done_at IS NOT NULL)
                """
        )
    }

    /// gid, bucket, sender, service, channel.
    let groupNumbers = "SELECT DISTINCT gid, bucket, sender, service, channel FROM report_latency"

    /// Key columns, status, messages, late, repeated, events.
    func counts(keys: [String]) -> String {
        let select = (keys + ["status"]).joined(separator: ", ")
        return """
            SELECT \(select), COUNT(*), SUM(late_events), SUM(repeated_events), SUM(events)
            FROM report_rows GROUP BY \(select)
            """
    }

    /// Latency expression (never negative: a delivered callback received before the sent one counts
    /// as 0) and the condition for it to exist.
    enum Latency {
        case delivered
        case carrier

        var expression: String {
            switch self {
            case .delivered: "CASE WHEN delivered_at < sent_at THEN 0 ELSE delivered_at - sent_at END"
            case .carrier: "CASE WHEN dlr_done_at < sent_at THEN 0 ELSE dlr_done_at - sent_at END"
            }
        }

        var condition: String {
            switch self {
            case .delivered: "sent_at IS NOT NULL AND delivered_at IS NOT NULL"
            case .carrier: "sent_at IS NOT NULL AND dlr_done_at IS NOT NULL"
            }
        }

        /// The column of `report_latency`.
        var column: String {
            switch self {
            case .delivered: "delivered_lat"
            case .carrier: "carrier_lat"
            }
        }
    }

    /// Key columns (none, `bucket` or `gid`), rank, count, latency: only the rows at the
    /// p50/p90/p99 nearest ranks.
    func percentiles(keys: [String], latency: Latency) -> String {
        let partition = keys.isEmpty ? "" : "PARTITION BY \(keys.joined(separator: ", ")) "
        let keyList = keys.isEmpty ? "" : keys.joined(separator: ", ") + ", "
        let ranks = [50, 90, 99].map { "rn = CASE WHEN (cnt * \($0) + 99) / 100 < 1 THEN 1 ELSE (cnt * \($0) + 99) / 100 END" }
        return """
            SELECT \(keyList)rn, cnt, lat FROM (
              SELECT \(keyList)\(latency.column) AS lat,
                ROW_NUMBER() OVER (\(partition)ORDER BY \(latency.column)) AS rn,
                COUNT(*) OVER (\(partition.trimmingCharacters(in: .whitespaces))) AS cnt
              FROM report_latency WHERE \(latency.column) IS NOT NULL
            ) t
            WHERE \(ranks.joined(separator: " OR "))
            """
    }

    /// Bin index, count.
    func histogram(latency: Latency) -> String {
        var cases = ""
        for (index, edge) in HistogramBin.edges.enumerated() {
            cases += " WHEN lat < \(edge) THEN \(index)"
        }
        return """
            SELECT bin, COUNT(*) FROM (
              SELECT CASE\(cases) ELSE \(HistogramBin.edges.count) END AS bin
              FROM (SELECT \(latency.column) AS lat FROM report_latency WHERE \(latency.column) IS NOT NULL) l
            ) b GROUP BY bin ORDER BY bin
            """
    }

    /// Error code, messages.
    func topErrors(limit: Int) -> String {
        """
        SELECT error_code, COUNT(*) AS n FROM report_rows
        WHERE error_code IS NOT NULL AND error_code <> '' AND error_code <> '0'
        GROUP BY error_code ORDER BY n DESC, error_code LIMIT \(limit)
        """
    }

    /// Status, messages: current state not final (and ranked) for longer than the threshold.
    func stuckCounts(cutoff: Int64) -> String {
        """
        SELECT status, COUNT(*) FROM message_status
        WHERE updated_at < \(cutoff) AND status_rank IS NOT NULL AND status NOT IN \(Self.finalStatusList)
        GROUP BY status
        """
    }

    /// Message sid, status, updated_at of the longest-stuck messages.
    func stuckSample(cutoff: Int64, limit: Int) -> String {
        """
        SELECT message_sid, status, updated_at FROM message_status
        WHERE updated_at < \(cutoff) AND status_rank IS NOT NULL AND status NOT IN \(Self.finalStatusList)
        ORDER BY updated_at, message_sid LIMIT \(limit)
        """
    }
}
