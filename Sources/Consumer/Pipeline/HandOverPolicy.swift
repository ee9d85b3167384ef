/// When the pipeline hands the events it released to the writer. Pure, so it is tested on its own.
///
/// An idle writer gets what was released at every tick, which keeps latency at the window plus a
/// tick. While a batch still waits for the writer, released events gather into the next one, up to
/// `maxBatchSize`: a sink that fell behind then gets fewer, larger transactions, which is what lets
/// a database catch up (SQLite and PostgreSQL write pages and WAL per transaction, not per row).
struct HandOverPolicy: Sendable {
    var maxBatchSize: Int

    /// After events were released from a batch of records.
    func afterRelease(pending: Int) -> Bool {
        pending >= maxBatchSize
    }

    /// At a tick: hand over when a checkpoint is due (it rides on the batch), or when something was
    /// released and no batch is waiting for the writer.
    func atTick(pending: Int, waitingBatches: Int, checkpointDue: Bool) -> Bool {
        checkpointDue || pending >= maxBatchSize || (pending > 0 && waitingBatches == 0)
    }
}
