extension Spool {
    /// Where and how much the spool may store.
    package struct Configuration: Sendable {
        /// Directory of segment files; created if missing. One process per directory (locked).
        /// Flag `--spool-dir`, env `STATUSRELAY_SPOOL_DIR`; default `./data/spool`.
        package var directory: String
        /// Bound on the total size of all segments. When reached, appends fail with `.full` (HTTP 503).
        /// Flag `--spool-max-bytes`, env `STATUSRELAY_SPOOL_MAX_BYTES`; default 1 GiB.
        package var maxBytes: Int
        /// A segment is sealed and a new one started once it reaches this size.
        /// Flag `--spool-segment-bytes`, env `STATUSRELAY_SPOOL_SEGMENT_BYTES`; default 16 MiB.
        package var segmentBytes: Int
        /// Largest accepted record payload; default 1 MiB (the HTTP body limit is far smaller).
        package var maxRecordBytes: Int

        package init(directory: String, maxBytes: Int = 1 << 30, segmentBytes: Int = 16 << 20, maxRecordBytes: Int = 1 << 20) {
            self.directory = directory
            self.maxBytes = maxBytes
            self.segmentBytes = segmentBytes
            self.maxRecordBytes = maxRecordBytes
        }
    }

    /// A point in the spool: a segment and a byte offset in it.
    struct Position: Sendable, Hashable {
        var sequence: UInt64
        var offset: Int
    }

    /// A run of records read for draining, and the position just after the last one.
    package struct Batch: Sendable {
        package var records: [SpoolRecord]
        let end: Position
    }

    /// Point-in-time figures for metrics and `/readyz`.
    package struct Statistics: Sendable, Hashable {
        /// Records stored and not yet acknowledged by the drainer.
        package var records: Int
        /// Bytes of all segment files.
        package var bytes: Int
        /// Spool time of the oldest unacknowledged record (ms since epoch), nil when empty.
        package var oldestTimestampMs: Int64?
        /// Bytes still available under the bound.
        package var freeBytes: Int
    }
}
