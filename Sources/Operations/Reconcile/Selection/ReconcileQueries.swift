import StatusEvents

/// The SQL reconciliation runs on a sink database (SQLite or PostgreSQL: the same text). Only
/// integers this code computed and sids checked against `^(SM|MM)[0-9a-fA-F]{32}$` are spliced in.
enum ReconcileQueries {
    /// Statuses after which Twilio changes nothing but `read` (the report's list, from the lifecycle table).
    static let finalStatusList = "(" + MessageLifecycle.finalStatuses.sorted().map { "'\($0)'" }.joined(separator: ", ") + ")"

    /// Stuck: current status ranked and not final, set before `staleBefore` and not before
    /// `notBefore`; oldest first. Uses `message_status_updated_at`.
    static func stuck(staleBefore: Int64, notBefore: Int64, reconciledStatus: String) -> String {
        """
        SELECT message_sid, account_sid, status, status_rank, updated_at, \(reconciledStatus) FROM message_status
        WHERE updated_at < \(staleBefore) AND updated_at >= \(notBefore)
          AND status_rank IS NOT NULL AND status NOT IN \(finalStatusList)
        ORDER BY updated_at, message_sid
        """
    }

    /// The `reconciled_status` column (schema v3), or NULL in a sink written before it.
    static func reconciledStatus(columns: Set<String>) -> String {
        columns.contains("reconciled_status") ? "reconciled_status" : "NULL"
    }

    /// Current state of the given messages (primary-key lookups).
    static func current(sids: [String], reconciledStatus: String) -> String {
        precondition(sids.allSatisfy(StatusCallbackNormalizer.isMessageSid), "only checked sids are spliced into SQL")
        return """
            SELECT message_sid, account_sid, status, status_rank, updated_at, \(reconciledStatus) FROM message_status
            WHERE message_sid IN (\(sids.map { "'\($0)'" }.joined(separator: ", ")))
            """
    }
}
