import GRDB

/// The versioned schema of the SQLite sink, applied by GRDB's `DatabaseMigrator` (which records
/// applied migrations in `grdb_migrations`, so running it again at every start is a no-op).
///
/// Tables (times are milliseconds since the Unix epoch, UTC; error codes are text as received):
/// - `message_status`: one row per message, its current state. `status`/`status_rank`/`error_code`/
///   `updated_at`/`status_time`/`last_event_id` come from the event that set the status, the one
///   `CurrentStatusRule` ranks highest (`status_time` is its `statusTime`; NULL in rows written
///   before `v4_status_time`, which then count with `updated_at`). `status_rank` is the status's
///   lifecycle rank. `event_count` counts the distinct events stored for the message.
/// - `message_status_events`: the history, one row per distinct event, inserted in release order;
///   `sequence` is the 1-based release order within the message; `payload` is the event JSON.
///
/// `v2_report` adds `sender` (Twilio's `From`) and `messaging_service_sid` to `message_status` (the
/// latest non-null values of the message's events; filled from the stored events when migrating),
/// and replaces the `received_at` index with a covering one.
///
/// `v3_reconciliation` adds what reconciliation tells: `message_status.reconciled_at` and
/// `reconciled_status` (see ``SinkSQL/confirm(_:)``) and `message_status_events.source`;
/// `v4_status_time` adds `message_status.status_time`.
///
/// Indexes (as of v2), for the delivery report and lookups:
/// - `message_status_events_window (received_at, message_sid, status, late, raw_dlr_done_date)`:
///   time-window scans; covering for the report's per-message pass, which therefore reads no
///   table row and no JSON. Live events arrive in time order, so inserts append at its end;
/// - `message_status_events_message_sequence (message_sid, sequence)`: a message's history in order;
/// - `message_status_events_status (status, received_at)`: counts per status over a window;
/// - `message_status_status (status)` and `message_status_updated_at (updated_at)`: current-state
///   breakdowns (e.g. messages stuck in `sent`).
enum SQLiteSchema {
    /// The last migration's identifier: a database that has it needs nothing more for the report.
    static let latestMigration = "v2_report"
    /// Reconciliation's columns: see ``SinkSQL/reconciliationMigration``. History rows written before
    /// it get `source` only when they came from reconciliation (read from their payload once).
    static let reconciliationMigration = "v3_reconciliation"
    /// Index and columns `statusrelay report --prepare` added before v2 (v2 drops them: its own
    /// index makes them redundant, and every insert had to maintain them).
    static let legacyReportIndex = "message_status_events_report"
    static let legacyReportColumns = ["report_from", "report_service"]

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1_message_status") { db in
            try db.execute(
                sql: """
                    CREATE TABLE message_status (
                      message_sid TEXT NOT NULL PRIMARY KEY,
                      account_sid TEXT NOT NULL,
                      status TEXT NOT NULL,
                      status_rank INTEGER,
                      error_code TEXT,
                      channel TEXT,
                      updated_at INTEGER NOT NULL,
                      last_event_id TEXT NOT NULL,
                      event_count INTEGER NOT NULL
                    );
                    CREATE INDEX message_status_status ON message_status (status);
                    CREATE INDEX message_status_updated_at ON message_status (updated_at);
                    CREATE TABLE message_status_events (
                      event_id TEXT NOT NULL PRIMARY KEY,
                      message_sid TEXT NOT NULL,
                      sequence INTEGER NOT NULL,
                      status TEXT NOT NULL,
                      status_rank INTEGER,
                      error_code TEXT,
                      event_type TEXT,
                      late BOOLEAN NOT NULL,
                      received_at INTEGER NOT NULL,
                      raw_dlr_done_date TEXT,
                      topic TEXT NOT NULL,
                      "partition" INTEGER NOT NULL,
                      "offset" INTEGER NOT NULL,
                      payload TEXT NOT NULL
                    );
                    CREATE INDEX message_status_events_received_at ON message_status_events (received_at);
                    CREATE INDEX message_status_events_message_sequence
                      ON message_status_events (message_sid, sequence);
                    CREATE INDEX message_status_events_status ON message_status_events (status, received_at);
                    """
            )
        }
        migrator.registerMigration(latestMigration) { db in
            try db.execute(
                sql: """
                    ALTER TABLE message_status ADD COLUMN sender TEXT;
                    ALTER TABLE message_status ADD COLUMN messaging_service_sid TEXT;
                    UPDATE message_status
                      SET sender = json_extract(e.payload, '$.from'),
                        messaging_service_sid = json_extract(e.payload, '$.messagingServiceSid')
                      FROM message_status_events e
                      WHERE e.event_id = message_status.last_event_id;
                    DROP INDEX IF EXISTS \(legacyReportIndex);
                    """
            )
            let columns = try String.fetchSet(db, sql: "SELECT name FROM pragma_table_xinfo('message_status_events')")
            for column in legacyReportColumns where columns.contains(column) {
                try db.execute(sql: "ALTER TABLE message_status_events DROP COLUMN \(column)")
            }
            try db.execute(
                sql: """
                    DROP INDEX message_status_events_received_at;
                    CREATE INDEX message_status_events_window
                      ON message_status_events (received_at, message_sid, status, late, raw_dlr_done_date);
                    """
            )
        }
        migrator.registerMigration(reconciliationMigration) { db in
            try db.execute(sql: SinkSQL.reconciliationMigration.joined(separator: ";\n"))
            try db.execute(
                sql: """
                    UPDATE message_status_events SET source = 'reconciliation'
                      WHERE json_extract(payload, '$.source') = 'reconciliation'
                    """
            )
        }
        // The current status's status time, which the current-status rule compares (see `SinkSQL`).
        migrator.registerMigration("v4_status_time") { db in
            try db.execute(sql: "ALTER TABLE message_status ADD COLUMN status_time INTEGER")
        }
        return migrator
    }
}
