package import StatusEvents

/// Reordering for every partition this consumer owns, with one bound on buffered events across them.
/// Pure: no I/O, no clock (callers pass `now`, milliseconds on one consistent clock).
package struct Reorderer: Sendable {
    package let configuration: ReorderConfiguration
    /// The source topic (the consumer reads one).
    package let topic: String
    package private(set) var partitions: [Int32: PartitionReorderer] = [:]
    /// Statistics of partitions that were revoked, so totals never go backwards.
    private var retiredStatistics = ReorderStatistics()

    package init(topic: String, configuration: ReorderConfiguration) {
        self.topic = topic
        self.configuration = configuration
    }

    /// Events buffered across all partitions. Kept in step by ``update(_:_:)``: summing it per event
    /// copied every partition's state.
    package private(set) var bufferedCount = 0

    /// Cumulative statistics across all partitions ever owned.
    package var statistics: ReorderStatistics {
        partitions.values.reduce(retiredStatistics) { $0 + $1.statistics }
    }

    package func owns(_ partition: Int32) -> Bool { partitions.index(forKey: partition) != nil }

    /// Starts reordering a partition with its restored per-message states.
    package mutating func assign(_ partition: Int32, states: [String: MessageState]) {
        if let old = partitions[partition] {
            retiredStatistics = retiredStatistics + old.statistics
            bufferedCount -= old.bufferedCount
        }
        partitions[partition] = PartitionReorderer(
            topic: topic, partition: partition, configuration: configuration, states: states
        )
    }

    /// Forgets a partition: its buffered events are dropped unreleased (the next owner reads them
    /// again from the committed offset). Returns how many were dropped.
    @discardableResult
    package mutating func revoke(_ partition: Int32) -> Int {
        guard let old = partitions.removeValue(forKey: partition) else { return 0 }
        retiredStatistics = retiredStatistics + old.statistics
        bufferedCount -= old.bufferedCount
        return old.bufferedCount
    }

    /// Adds an event read from an owned partition; appends what it releases to `released`.
    @discardableResult
    package mutating func add(
        _ event: StatusEvent,
        encoded: [UInt8]? = nil,
        from partition: Int32,
        offset: Int64,
        now: Int64,
        wallClock: Int64? = nil,
        into released: inout [ReleasedEvent]
    ) -> ReorderOutcome {
        add(StatusEventBox(event, encoded: encoded), from: partition, offset: offset, now: now, wallClock: wallClock, into: &released)
    }

    /// - Parameter wallClock: see ``PartitionReorderer/add(_:encoded:offset:now:wallClock:into:)``.
    @discardableResult
    mutating func add(
        _ box: StatusEventBox, from partition: Int32, offset: Int64, now: Int64, wallClock: Int64? = nil,
        into released: inout [ReleasedEvent]
    ) -> ReorderOutcome {
        if !owns(partition) { assign(partition, states: [:]) }
        let outcome = update(partition) { $0.add(box, offset: offset, now: now, wallClock: wallClock, into: &released) }
        enforceBound(into: &released)
        return outcome
    }

    /// Records that a record needs no release (undecodable), so offsets past it can be committed.
    package mutating func markDone(partition: Int32, offset: Int64) {
        if !owns(partition) { assign(partition, states: [:]) }
        update(partition) { $0.markDone(offset: offset) }
    }

    /// Advances every partition's watermark to `now` and releases what passed it.
    /// - Parameter fetchedEnds: per partition, the log end as of the consumer's last fetch (see
    ///   ``PartitionReorderer/advance(now:fetchedEnd:into:)``); missing partitions keep the idle grace.
    package mutating func advance(now: Int64, fetchedEnds: [Int32: Int64] = [:], into released: inout [ReleasedEvent]) {
        for key in partitions.keys.sorted() {
            update(key) { $0.advance(now: now, fetchedEnd: fetchedEnds[key], into: &released) }
        }
    }

    /// Offset to commit for a partition once all released events were accepted by the sinks.
    package mutating func committableOffset(_ partition: Int32) -> Int64? {
        partitions[partition]?.committableOffset()
    }

    /// Messages whose states expired since the last call, per partition.
    package mutating func takeEvictions() -> [Int32: [String]] {
        var result: [Int32: [String]] = [:]
        for key in Array(partitions.keys) {
            let sids = partitions[key]!.takeEvictions()
            if !sids.isEmpty { result[key] = sids }
        }
        return result
    }

    /// States changed since the last call, per partition.
    package mutating func takeDirtyStates() -> [Int32: [String: MessageState]] {
        var result: [Int32: [String: MessageState]] = [:]
        // Not `partitions.keys`: iterating it holds the dictionary's storage, so the mutation below
        // would copy the dictionary and then every partition's message array.
        for key in Array(partitions.keys) {
            let states = partitions[key]!.takeDirtyStates()
            if !states.isEmpty { result[key] = states }
        }
        return result
    }

    /// Runs `body` on an owned partition in place (through the dictionary's modify accessor, so its
    /// state is not copied) and keeps `bufferedCount` in step.
    private mutating func update<Result>(_ partition: Int32, _ body: (inout PartitionReorderer) -> Result) -> Result {
        var delta = 0
        func run(_ reorderer: inout PartitionReorderer) -> Result {
            let before = reorderer.bufferedCount
            defer { delta = reorderer.bufferedCount - before }
            return body(&reorderer)
        }
        let result = run(&partitions[partition]!)
        bufferedCount += delta
        return result
    }

    private mutating func enforceBound(into released: inout [ReleasedEvent]) {
        while bufferedCount > configuration.maxBufferedEvents {
            // The globally oldest event goes first.
            var oldest: (key: Int32, time: Int64)?
            for key in Array(partitions.keys) {
                if let time = partitions[key]!.oldestBufferedTime(), oldest.map({ time < $0.time }) ?? true {
                    oldest = (key, time)
                }
            }
            guard let oldest else { return }
            if update(oldest.key, { $0.releaseOldest(into: &released) }) == 0 { return }
        }
    }
}
