/// The optional SQLite index that makes the report fast (`statusrelay report --prepare`): virtual
/// generated columns for the sender and messaging service (computed from `payload`, stored only in
/// the index) and one covering index ordered by message, so the per-message pass reads neither the
/// table nor any JSON. Created on request rather than by the sink, because every sink insert then
/// maintains it.
public enum ReportIndex {
    public static let name = "message_status_events_report"
    static let fromColumn = "report_from"
    static let serviceColumn = "report_service"

    /// Idempotent statements, run in one transaction.
    static func sqliteStatements(existingColumns: Set<String>) -> [String] {
        var statements: [String] = []
        if !existingColumns.contains(fromColumn) {
            statements.append(
                "ALTER TABLE message_status_events ADD COLUMN \(fromColumn) TEXT GENERATED ALWAYS AS (json_extract(payload, '$.from')) VIRTUAL"
            )
        }
        if !existingColumns.contains(serviceColumn) {
            statements.append(
                "ALTER TABLE message_status_events ADD COLUMN \(serviceColumn) TEXT GENERATED ALWAYS AS (json_extract(payload, '$.messagingServiceSid')) VIRTUAL"
            )
        }
        statements.append(
            """
            CREATE INDEX IF NOT EXISTS \(name) ON message_status_events \
            (message_sid, received_at, status, late, raw_dlr_done_date, \(fromColumn), \(serviceColumn))
            """
        )
        return statements
    }
}
