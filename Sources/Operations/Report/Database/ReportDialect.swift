import StatusEvents

/// The SQL differences between the sinks' databases. Everything else in the report's queries is
/// written once, in SQL both accept.
enum ReportDialect: Sendable {
    case sqlite
    case postgres

    /// A top-level string field of the event JSON in `payload`.
    func payloadField(_ table: String, _ field: String) -> String {
        switch self {
        case .sqlite: "json_extract(\(table).payload, '$.\(field)')"
        case .postgres: "(\(table).payload ->> '\(field)')"
        }
    }

    /// How many distinct statuses a message's events have. PostgreSQL: a bit per known status and one
    /// for all unknown ones, OR-ed and counted (bit_count, PostgreSQL 14+), because a DISTINCT
    /// aggregate would force a sorted, single-process plan.
    func distinctStatusCount(_ column: String) -> String {
        switch self {
        case .sqlite:
            return "COUNT(DISTINCT \(column))"
        case .postgres:
            let known = (MessageLifecycle.ranks.keys.sorted() + MessageLifecycle.unrankedKnownStatuses.sorted())
            var cases = ""
            for (bit, status) in known.enumerated() {
                cases += " WHEN '\(status)' THEN \(1 << bit)"
            }
            return "bit_count(bit_or(CASE \(column)\(cases) ELSE \(1 << 30) END)::bit(32))"
        }
    }

    /// The column names of `message_status` (empty when the table is missing).
    var statusColumnsQuery: String {
        switch self {
        case .sqlite: "SELECT name FROM pragma_table_info('message_status')"
        case .postgres:
            "SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = 'message_status'"
        }
    }

    /// 1 when the boolean column is true, else 0.
    func flag(_ column: String) -> String {
        "CASE WHEN \(column) THEN 1 ELSE 0 END"
    }

    /// `CREATE TEMP TABLE name AS query`, replacing an older one of the session.
    func createTemporaryTable(_ name: String, as query: String) -> [String] {
        ["DROP TABLE IF EXISTS \(name)", "CREATE TEMPORARY TABLE \(name) AS \(query)"]
    }
}
