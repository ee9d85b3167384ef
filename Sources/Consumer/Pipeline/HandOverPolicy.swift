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

    /// At a tick: hand over when no batch is waiting for the writer and something was released or a
    /// checkpoint is due (it rides on the batch). While one waits, a due checkpoint waits too: it
    /// rides on the next batch handed over, which is then full. Handing it over at once cut a busy
    /// writer's batches to the few events released since the last one, and a database's cost per
    /// event grows steeply as its transactions shrink (SQLite: 17 µs per event in transactions of
    /// 20,000, 28 µs in transactions of 5,000).
    func atTick(pending: Int, waitingBatches: Int, checkpointDue: Bool) -> Bool {
        pending >= maxBatchSize || (waitingBatches == 0 && (pending > 0 || checkpointDue))
    }
}
