/// Writes a batch to one sink and sets aside only the events the sink refuses for good.
///
/// A sink refuses data with ``SinkError/Code/rejected``. When it names the refused events
/// (``SinkError/rejectedEvents``), the rest of the batch was stored and only those are handed to
/// `reject`. Otherwise the batch is split in halves, written in order, until each refused event is
/// alone: a batch of n events with one refused event costs about 2·log2(n) more writes, all
/// idempotent. Any other error is thrown for the caller to retry (writes are idempotent by event
/// id, so retrying after part of the batch was stored is safe).
enum SinkWriteIsolation {
    static func write(
        _ batch: ArraySlice<ReleasedEvent>, to sink: any EventSink,
        reject: (ReleasedEvent, SinkError, String) async throws -> Void
    ) async throws {
        guard !batch.isEmpty else { return }
        do {
            try await sink.write(Array(batch))
        } catch let error as SinkError where error.code == .rejected {
            if !error.rejectedEvents.isEmpty {
                for (position, reason) in error.rejectedEvents.sorted(by: { $0.key < $1.key }) where position < batch.count {
                    try await reject(batch[batch.startIndex + position], error, reason)
                }
                return
            }
            if batch.count == 1 {
                try await reject(batch[batch.startIndex], error, error.message)
                return
            }
            let middle = batch.startIndex + batch.count / 2
            try await write(batch[..<middle], to: sink, reject: reject)
            try await write(batch[middle...], to: sink, reject: reject)
        }
    }
}
