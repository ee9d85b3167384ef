/// The report's SQL. Heavy work happens in the database, in one pass over the history window that
/// builds a per-message temporary table (`report_rows`, joined with current state); the figures are
/// small GROUP BYs over it, and the latency percentiles and histograms are computed from one
/// integer-only read of its latencies. Only literal integers this code computed are spliced into
/// the text; nothing user-supplied is.
///
/// Indexes used (created by the sinks' migrations, v2 and later):
/// - SQLite `message_status_events_window (received_at, message_sid, status, late,
///   raw_dlr_done_date)`: the window pass reads only this index, never a table row or JSON;
/// - PostgreSQL: a parallel sequential scan of `message_status_events` (the whole window is
///   usually most of the table), `message_status_events_received_at` for narrow windows;
/// - the primary key `message_status (message_sid)`: the join to current state, which holds the
///   sender and messaging service since v2;
/// - `message_status_updated_at (updated_at)`: stuck messages;
/// - `message_status_events_reconciliation (received_at) WHERE source = 'reconciliation'` (v3):
///   statuses recovered by reconciliation.
///
/// A database written by a version before v2 (no `message_status.sender`) is still readable: the
/// sender and service then come from the JSON payload of the event that set the current status,
/// which is much slower (`statusrelay report --prepare` applies the migrations).
struct ReportQueries: Sendable {
    let dialect: ReportDialect
    let since: Int64
    let until: Int64
    let bucketMilliseconds: Int64
    /// Whether the database has schema v2 (`message_status.sender`, and on SQLite the covering
    /// window index).
    var migrated = true

    /// The SQLite covering index of schema v2.
    static let sqliteWindowIndex = "message_status_events_window"

    /// The final statuses, as a SQL list.
    static let finalStatusList = "('delivered', 'undelivered', 'failed', 'canceled', 'read')"

    /// The per-message columns of the window: first event time, first `sent` time, first carrier
    /// receipt (`delivered` or `undelivered`) time, late and repeated event counts. All are ingress
    /// clock times (`received_at`): `RawDlrDoneDate` has no time zone, so it is no time to measure
    /// a latency with.
    private var perMessage: String {
        let index = migrated && dialect == .sqlite ? " INDEXED BY \(Self.sqliteWindowIndex)" : ""
        return """
            SELECT e.message_sid AS sid,
              MIN(e.received_at) AS first_at,
              MIN(CASE WHEN e.status = 'sent' THEN e.received_at END) AS sent_at,
              MIN(CASE WHEN e.status IN ('delivered', 'undelivered') THEN e.received_at END) AS receipt_at,
              SUM(\(dialect.flag("e.late"))) AS late_events,
              COUNT(*) AS events,
              COUNT(*) - \(dialect.distinctStatusCount("e.status")) AS repeated_events
            FROM message_status_events e\(index)
            WHERE e.received_at >= \(since) AND e.received_at < \(until)
            GROUP BY e.message_sid
            """
    }

    /// One row per message of the window: its period, current status, error code, channel, sender
    /// and messaging service, counts and the sent→delivered/undelivered latency (never negative: a
    /// receipt callback received before the sent one counts as 0).
    var rows: [String] {
        let sender = migrated ? "s.sender" : dialect.payloadField("le", "from")
        let service = migrated ? "s.messaging_service_sid" : dialect.payloadField("le", "messagingServiceSid")
        return dialect.createTemporaryTable(
            "report_rows",
            as: """
                SELECT m.sid,
                  (m.first_at / \(bucketMilliseconds)) * \(bucketMilliseconds) AS bucket,
                  COALESCE(s.status, 'unknown') AS status,
                  s.error_code AS error_code,
                  COALESCE(s.channel, '') AS channel,
                  COALESCE(\(sender), '') AS sender,
                  COALESCE(\(service), '') AS service,
                  m.late_events, m.events, m.repeated_events,
                  CASE WHEN m.sent_at IS NOT NULL AND m.receipt_at IS NOT NULL THEN
                    CASE WHEN m.receipt_at < m.sent_at THEN 0 ELSE m.receipt_at - m.sent_at END
                  END AS receipt_lat
                FROM (\(perMessage)) m
                LEFT JOIN message_status s ON s.message_sid = m.sid
                \(migrated ? "" : "LEFT JOIN message_status_events le ON le.event_id = s.last_event_id")
                """
        )
    }

    /// One row per period, sender, messaging service and channel, numbered (`gid`) so the latency
    /// read below carries an integer instead of four keys.
    var groups: [String] {
        dialect.createTemporaryTable(
            "report_groups",
            as: """
                SELECT ROW_NUMBER() OVER (ORDER BY bucket, sender, service, channel) AS gid,
                  bucket, sender, service, channel
                FROM (SELECT DISTINCT bucket, sender, service, channel FROM report_rows) g
                """
        )
    }

    /// gid, bucket, sender, service, channel.
    let groupList = "SELECT gid, bucket, sender, service, channel FROM report_groups"

    /// Bucket, sender, service, channel, status, messages, late, repeated, events.
    let counts = """
        SELECT bucket, sender, service, channel, status,
          COUNT(*), SUM(late_events), SUM(repeated_events), SUM(events)
        FROM report_rows GROUP BY bucket, sender, service, channel, status
        """

    /// gid, sent→delivered/undelivered latency: every message with one.
    let latencies = """
        SELECT g.gid, r.receipt_lat
        FROM report_rows r
        JOIN report_groups g ON g.bucket = r.bucket AND g.sender = r.sender AND g.service = r.service
          AND g.channel = r.channel
        WHERE r.receipt_lat IS NOT NULL
        """

    /// Error code, messages.
    func topErrors(limit: Int) -> String {
        """
        SELECT error_code, COUNT(*) AS n FROM report_rows
        WHERE error_code IS NOT NULL AND error_code <> '' AND error_code <> '0'
        GROUP BY error_code ORDER BY n DESC, error_code LIMIT \(limit)
        """
    }

    /// Whether the database has schema v3's reconciliation columns (`message_status.reconciled_status`,
    /// `message_status_events.source`); without them nothing counts as confirmed or recovered.
    var reconciliation = true

    /// A stuck message whose last reconciliation found Twilio at its current status: confirmed by
    /// Twilio as still there (for `sent`: no receipt from the carrier), not waiting to be reconciled.
    private var confirmed: String { reconciliation ? "reconciled_status = status" : "1 = 0" }

    /// Status, messages, of them confirmed: current state not final (and ranked) for longer than the threshold.
    func stuckCounts(cutoff: Int64) -> String {
        """
        SELECT status, COUNT(*), SUM(CASE WHEN \(confirmed) THEN 1 ELSE 0 END) FROM message_status
        WHERE updated_at < \(cutoff) AND status_rank IS NOT NULL AND status NOT IN \(Self.finalStatusList)
        GROUP BY status
        """
    }

    /// Message sid, status, updated_at of the longest-stuck messages not yet reconciled.
    func stuckSample(cutoff: Int64, limit: Int) -> String {
        """
        SELECT message_sid, status, updated_at FROM message_status
        WHERE updated_at < \(cutoff) AND status_rank IS NOT NULL AND status NOT IN \(Self.finalStatusList)
          \(reconciliation ? "AND (reconciled_status IS NULL OR reconciled_status <> status)" : "")
        ORDER BY updated_at, message_sid LIMIT \(limit)
        """
    }

    /// Status, history rows: the window's statuses that reconciliation recovered (events of source
    /// `reconciliation` the consumer stored; confirmations store none). Uses the partial index
    /// `message_status_events_reconciliation`.
    var recovered: String? {
        guard reconciliation else { return nil }
        return """
            SELECT status, COUNT(*) FROM message_status_events
            WHERE source = 'reconciliation' AND received_at >= \(since) AND received_at < \(until)
            GROUP BY status
            """
    }

    /// The temporary tables, to drop at the end.
    static let temporaryTables = ["report_groups", "report_rows"]
}
