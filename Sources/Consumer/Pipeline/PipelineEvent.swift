/// What a driver tells the pipeline besides records, in order with them.
package enum PipelineEvent: Sendable {
    /// Partitions of the source topic now owned (a group assignment).
    case assigned([Int32])
    /// Partitions no longer owned: their buffered work is dropped uncommitted.
    case revoked(Set<Int32>)
    /// The clock moved: watermarks follow it, and what was released is handed to the writer.
    case tick
    /// A bounded source read its whole range: everything still buffered is released, in order.
    case endOfInput
    /// The record source failed; the pipeline stops with this error.
    case readerFailed(any Error)
}
