/// What the PostgreSQL sink sends, for the ceiling benchmark (`statusrelay bench sink-sql`,
/// `scripts/bench/postgres_ceiling.py`): PostgreSQL alone runs exactly these statements, with the
/// consumer's default parallelism and batch size, so the ratio compares like with like.
package struct PostgresSinkStatements: Encodable, Sendable {
    /// Sessions the sink writes one batch with by default: `min(writeConcurrency, maxConnections)`.
    package var sessions: Int
    /// The consumer's default largest batch, and the smallest part one is split into.
    package var maxBatchSize: Int
    package var minimumLaneEvents: Int
    /// Run once per connection, before its first transaction.
    package var setup: [String]
    /// Per transaction: `COPY historyStaging (historyStagingColumns) FROM STDIN` (text format), then
    /// `historyInsert` (its row count says all rows were new), then the folded
    /// ``MessageStatusUpdate`` rows of those events `COPY`-ed into `statusStaging`, then `statusUpsert`.
    package var historyStaging: String
    package var historyStagingColumns: [String]
    package var historyInsert: String
    package var statusStaging: String
    package var statusStagingColumns: [String]
    package var statusUpsert: String
    /// `SinkSQL.statusColumns`: the `message_status` columns both SQL sinks write, in their order.
    package var statusColumns: String
    /// `SinkSQL.statusConflictClause` in both dialects (the SQLite ceiling uses the other one).
    package var statusConflictClause: [String: String]

    package static var current: PostgresSinkStatements {
        let concurrency = ConsumerSettings.postgresWriteConcurrency.defaultValue ?? 1
        let connections = ConsumerSettings.postgresMaxConnections.defaultValue ?? 1
        return PostgresSinkStatements(
            sessions: min(concurrency, connections),
            maxBatchSize: ConsumerSettings.maxBatchSize.defaultValue ?? 1,
            minimumLaneEvents: PostgresSink.minimumLaneEvents,
            setup: PostgresSink.createStaging,
            historyStaging: PostgresSink.historyStaging,
            historyStagingColumns: PostgresSink.historyStagingColumns,
            historyInsert: PostgresSink.historyInsert,
            statusStaging: PostgresSink.statusStaging,
            statusStagingColumns: PostgresSink.statusStagingColumns,
            statusUpsert: PostgresSink.statusUpsert,
            statusColumns: SinkSQL.statusColumns,
            statusConflictClause: [
                "postgres": SinkSQL.statusConflictClause(.postgres),
                "sqlite": SinkSQL.statusConflictClause(.sqlite),
            ]
        )
    }

    enum CodingKeys: String, CodingKey {
        case sessions, setup
        case maxBatchSize = "max_batch_size"
        case minimumLaneEvents = "minimum_lane_events"
        case historyStaging = "history_staging"
        case historyStagingColumns = "history_staging_columns"
        case historyInsert = "history_insert"
        case statusStaging = "status_staging"
        case statusStagingColumns = "status_staging_columns"
        case statusUpsert = "status_upsert"
        case statusColumns = "status_columns"
        case statusConflictClause = "status_conflict_clause"
    }
}
