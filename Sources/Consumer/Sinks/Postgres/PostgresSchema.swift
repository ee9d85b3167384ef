/// The versioned schema of the PostgreSQL sink, the same tables as ``SQLiteSchema`` (see there for
/// columns), with `BOOLEAN` for `late` and `JSONB` for `payload`. Indexes: those of SQLite's v1;
/// v2 adds `message_status.sender` and `messaging_service_sid` but no index (the report's pass is
/// a parallel sequential scan, which a covering index would not beat enough to pay for its
/// maintenance on every insert); v3 adds `message_status.status_time`.
///
/// Applied migrations are recorded in `schema_migrations(version, name, applied_at)`. Consumers that
/// start together serialize on a transaction-scoped advisory lock, and each migration runs in the
/// same transaction as its `schema_migrations` row, so it is applied exactly once.
enum PostgresSchema {
    struct Migration: Sendable {
        var version: Int32
        var name: String
        var statements: [String]
    }

    /// Key of the advisory lock held while migrating ("StatusRl" in ASCII).
    static let advisoryLockKey: Int64 = 0x5374_6174_7573_526C

    /// The lock key for one schema: sinks migrating different schemas of one database need not
    /// wait for each other.
    static func advisoryLockKey(schema: String?) -> Int64 {
        advisoryLockKey ^ Int64(bitPattern: FNV1a.hash((schema ?? "").utf8))
    }

    static let createMigrationsTable = """
        CREATE TABLE IF NOT EXISTS schema_migrations (
          version INTEGER PRIMARY KEY,
          name TEXT NOT NULL,
          applied_at TIMESTAMPTZ NOT NULL DEFAULT now()
        )
        """

    static let migrations: [Migration] = [
        Migration(
            version: 1,
            name: "message_status",
            statements: [
                """
                CREATE TABLE message_status (
                  message_sid TEXT NOT NULL PRIMARY KEY,
                  account_sid TEXT NOT NULL,
                  status TEXT NOT NULL,
                  status_rank INTEGER,
                  error_code TEXT,
                  channel TEXT,
                  updated_at BIGINT NOT NULL,
                  last_event_id TEXT NOT NULL,
                  event_count BIGINT NOT NULL
                )
                """,
                "CREATE INDEX message_status_status ON message_status (status)",
                "CREATE INDEX message_status_updated_at ON message_status (updated_at)",
                """
                CREATE TABLE message_status_events (
                  event_id TEXT NOT NULL PRIMARY KEY,
                  message_sid TEXT NOT NULL,
                  sequence BIGINT NOT NULL,
                  status TEXT NOT NULL,
                  status_rank INTEGER,
                  error_code TEXT,
                  event_type TEXT,
                  late BOOLEAN NOT NULL,
                  received_at BIGINT NOT NULL,
                  raw_dlr_done_date TEXT,
                  topic TEXT NOT NULL,
                  "partition" INTEGER NOT NULL,
                  "offset" BIGINT NOT NULL,
                  payload JSONB NOT NULL
                )
                """,
                "CREATE INDEX message_status_events_received_at ON message_status_events (received_at)",
                """
                CREATE INDEX message_status_events_message_sequence
                  ON message_status_events (message_sid, sequence)
                """,
                "CREATE INDEX message_status_events_status ON message_status_events (status, received_at)",
            ]
        ),
        // The report groups messages by sender and messaging service: as columns of the current
        // state (filled from the event that set it), the report's pass over the history needs no
        // JSON. New rows get them from the sink's upsert.
        Migration(
            version: 2,
            name: "message_status_sender",
            statements: [
                "ALTER TABLE message_status ADD COLUMN sender TEXT, ADD COLUMN messaging_service_sid TEXT",
                """
                UPDATE message_status s
                  SET sender = e.payload ->> 'from', messaging_service_sid = e.payload ->> 'messagingServiceSid'
                  FROM message_status_events e
                  WHERE e.event_id = s.last_event_id
                """,
            ]
        ),
        Migration(
            version: 3,
            name: "reconciliation",
            statements: SinkSQL.reconciliationMigration + [
                "UPDATE message_status_events SET source = 'reconciliation' WHERE payload ->> 'source' = 'reconciliation'"
            ]
        ),
        // The status time of the current status (`CurrentStatusRule`): a later status of the same
        // rank replaces it. Existing rows keep NULL and count with `updated_at` (see `SinkSQL`).
        Migration(
            version: 4,
            name: "message_status_status_time",
            statements: ["ALTER TABLE message_status ADD COLUMN status_time BIGINT"]
        ),
    ]
}
