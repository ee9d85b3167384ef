/// SQL text shared by the SQLite and PostgreSQL sinks. Both dialects accept it unchanged.
enum SinkSQL {
    /// Whether `excluded` (the candidate) replaces the stored status: only to a strictly higher rank;
    /// an unranked status only replaces an unranked one. Late events therefore never move a message
    /// backwards. Mirrors ``MessageStatusUpdate/advances(from:to:)``.
    static let advances = """
        (excluded.status_rank IS NOT NULL AND (message_status.status_rank IS NULL \
        OR excluded.status_rank > message_status.status_rank)) \
        OR (excluded.status_rank IS NULL AND message_status.status_rank IS NULL)
        """

    static let historyColumns = """
        event_id, message_sid, sequence, status, status_rank, error_code, event_type, late, \
        received_at, raw_dlr_done_date, topic, "partition", "offset", payload, source
        """
    static let historyColumnCount = 15

    static let statusColumns = """
        message_sid, account_sid, status, status_rank, error_code, channel, updated_at, \
        last_event_id, event_count, sender, messaging_service_sid
        """
    static let statusColumnCount = 11

    /// The `ON CONFLICT` clause of the `message_status` upsert: counts add up, the status fields
    /// move only when ``advances`` holds (SET expressions read the row as it was before the update).
    static let statusConflictClause = """
        ON CONFLICT (message_sid) DO UPDATE SET
          channel = COALESCE(excluded.channel, message_status.channel),
          sender = COALESCE(excluded.sender, message_status.sender),
          messaging_service_sid = COALESCE(excluded.messaging_service_sid, message_status.messaging_service_sid),
          event_count = message_status.event_count + excluded.event_count,
          status = CASE WHEN \(advances) THEN excluded.status ELSE message_status.status END,
          status_rank = CASE WHEN \(advances) THEN excluded.status_rank ELSE message_status.status_rank END,
          error_code = CASE WHEN \(advances) THEN excluded.error_code ELSE message_status.error_code END,
          updated_at = CASE WHEN \(advances) THEN excluded.updated_at ELSE message_status.updated_at END,
          last_event_id = CASE WHEN \(advances) THEN excluded.last_event_id ELSE message_status.last_event_id END
        """

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
