/// What the reorderer did with one added event.
package enum ReorderOutcome: Sendable, Hashable {
    /// Held until the watermark passes it (it may already have been released by the same call).
    case buffered
    /// Released at once: unranked, or reordering disabled.
    case released
    /// Released at once with `late: true` (see `ReleasedEvent.late`).
    case late
    /// Dropped: same event id already buffered or recently released.
    case duplicate
    /// Dropped: the message already has this status from another source (see `PartitionReorderer`);
    /// a reconciliation copy went out as a confirmation.
    case crossSourceDuplicate
}
