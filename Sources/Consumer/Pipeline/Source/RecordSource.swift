/// What the pipeline asks of the place its records come from: a consumer group that rebalances (the
/// live consumer) or a manual assignment of a fixed range (a replay). The driver feeds the records
/// themselves through ``EventPipeline/send(_:)-(Array<KafkaConsumerMessage>)``.
package protocol RecordSource: Sendable {
    /// The reorder stage's clock, in milliseconds. A live source follows the monotonic clock (a
    /// caught-up partition releases by it); a bounded range has none, so release depends on the
    /// records and their event times only.
    var now: Int64 { get }
    /// Partitions whose records are handled now; records of any other were read before a revoke
    /// and are dropped (their next owner reads them again).
    var assignedPartitions: Set<Int32> { get }
    /// Per partition, the log end as of the last fetch (see ``Reorderer/advance(now:fetchedEnds:into:)``).
    func fetchedEnds(of partitions: [Int32]) -> [Int32: Int64]
    /// Stops fetching the partitions while the sinks fail; `resume` starts again.
    func pause(_ partitions: [Int32]) throws
    func resume(_ partitions: [Int32]) throws
}
