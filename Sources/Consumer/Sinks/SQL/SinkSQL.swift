import StatusEvents

/// SQL text shared by the SQLite and PostgreSQL sinks; only the byte-wise collation differs.
enum SinkSQL {
    enum Dialect: Sendable {
        case sqlite
        case postgres

        /// Makes a text comparison byte-wise (UTF-8 byte order, as `CurrentStatusRule` compares event
        /// ids): SQLite's default `BINARY` collation is; PostgreSQL's database collation may not be.
        func bytewise(_ expression: String) -> String {
            switch self {
            case .sqlite: expression
            case .postgres: expression + #" COLLATE "C""#
            }
        }
    }

    /// `CurrentStatusRule.Key` of a `message_status` row (or of `excluded`, the candidate) as a SQL
    /// row value, compared lexicographically like the key: rank (an unranked status below every
    /// rank), status time, event id. A row written before `status_time` existed counts with its
    /// `updated_at` (the `receivedAt` of the event that set it: its status time unless that event
    /// carried a Twilio-side time).
    static func currentStatusKey(_ table: String, _ dialect: Dialect) -> String {
        "(COALESCE(\(table).status_rank, \(CurrentStatusRule.unrankedRank)), "
            + "COALESCE(\(table).status_time, \(table).updated_at), \(dialect.bytewise("\(table).last_event_id")))"
    }

    /// Whether `excluded` (the candidate) replaces the stored status: `CurrentStatusRule.replaces`,
    /// in SQL. `CurrentStatusSQLTests` runs the same cases through both.
    static func advances(_ dialect: Dialect) -> String {
        "\(currentStatusKey("excluded", dialect)) > \(currentStatusKey("message_status", dialect))"
    }

    static let historyColumns = """
        event_id, message_sid, sequence, status, status_rank, error_code, event_type, late, \
        received_at, raw_dlr_done_date, topic, "partition", "offset", payload, source, twilio_time
        """

    static let statusColumns = """
        message_sid, account_sid, status, status_rank, error_code, channel, updated_at, \
        last_event_id, event_count, sender, messaging_service_sid, status_time
        """

    /// The `ON CONFLICT` clause of the `message_status` upsert: counts add up, the status fields
    /// move only when ``advances(_:)`` holds (SET expressions read the row as it was before the update).
    static func statusConflictClause(_ dialect: Dialect) -> String {
        let advances = advances(dialect)
        return """
            ON CONFLICT (message_sid) DO UPDATE SET
              channel = COALESCE(excluded.channel, message_status.channel),
              sender = COALESCE(excluded.sender, message_status.sender),
              messaging_service_sid = COALESCE(excluded.messaging_service_sid, message_status.messaging_service_sid),
              event_count = message_status.event_count + excluded.event_count,
              status = CASE WHEN \(advances) THEN excluded.status ELSE message_status.status END,
              status_rank = CASE WHEN \(advances) THEN excluded.status_rank ELSE message_status.status_rank END,
              error_code = CASE WHEN \(advances) THEN excluded.error_code ELSE message_status.error_code END,
              updated_at = CASE WHEN \(advances) THEN excluded.updated_at ELSE message_status.updated_at END,
              status_time = CASE WHEN \(advances) THEN excluded.status_time ELSE message_status.status_time END,
              last_event_id = CASE WHEN \(advances) THEN excluded.last_event_id ELSE message_status.last_event_id END
            """
    }

    /// Schema v3 of both sinks (SQLite `v3_reconciliation`, PostgreSQL 3), in SQL both accept:
    /// - `message_status.reconciled_at`: the time (`receivedAt`) of the newest `reconciliation` event
    ///   for the message, a confirmation or a stored one; `reconciled_status`: Twilio's status in it.
    ///   A stuck message whose `reconciled_status` is its `status` was confirmed by Twilio as still
    ///   at that status;
    /// - `message_status_events.source`: the event's source (NULL in rows written before v3, except
    ///   reconciliation ones), with a partial index for the report's count of recovered statuses.
    static let reconciliationMigration = [
        "ALTER TABLE message_status ADD COLUMN reconciled_at BIGINT",
        "ALTER TABLE message_status ADD COLUMN reconciled_status TEXT",
        "ALTER TABLE message_status_events ADD COLUMN source TEXT",
        """
        CREATE INDEX message_status_events_reconciliation ON message_status_events (received_at)
          WHERE source = 'reconciliation'
        """,
    ]

    /// Schema v4's history part (SQLite `v4_status_time`, PostgreSQL 4), in SQL both accept:
    /// `message_status_events.twilio_time`, the event's `StatusEvent.twilioTime` (NULL for status
    /// callbacks and in rows written before v4), with a partial index that covers the report's
    /// Twilio-side latency pass: only the rows that pass reads (a `sent` or carrier receipt with a
    /// Twilio time) are in it, so other rows cost no index entry. Its WHERE must stay implied by the
    /// report's query (`ReportQueries.twilioLatencies`), or SQLite refuses the query's `INDEXED BY`.
    static let twilioTimeMigration = [
        "ALTER TABLE message_status_events ADD COLUMN twilio_time BIGINT",
        """
        CREATE INDEX message_status_events_twilio_time
          ON message_status_events (received_at, message_sid, status, twilio_time)
          WHERE twilio_time IS NOT NULL AND status IN ('sent', 'delivered', 'undelivered')
        """,
    ]

    /// Records a `reconciliation` event on its message's row (bound as the placeholders say: sid,
    /// status, time): the newest one wins, so a replay or an older confirmation read again changes
    /// nothing. A message without a row is left alone.
    static func confirm(_ placeholder: (Int) -> String) -> String {
        let (sid, status, at) = (placeholder(1), placeholder(2), placeholder(3))
        return """
            UPDATE message_status SET
              reconciled_status = CASE WHEN reconciled_at IS NULL OR reconciled_at <= \(at) THEN \(status) ELSE reconciled_status END,
              reconciled_at = CASE WHEN reconciled_at IS NULL OR reconciled_at < \(at) THEN \(at) ELSE reconciled_at END
            WHERE message_sid = \(sid)
            """
    }
}
