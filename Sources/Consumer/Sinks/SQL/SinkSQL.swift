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
        received_at, raw_dlr_done_date, topic, "partition", "offset", payload
        """
    static let historyColumnCount = 14

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
}
