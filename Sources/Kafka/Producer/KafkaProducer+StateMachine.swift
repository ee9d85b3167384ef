extension KafkaProducer {
    /// Called once with a record's outcome and the generation (handle) it was produced on; for delivery
    /// reports on the poll thread, so it must be quick.
    typealias DeliveryHandler = @Sendable (Result<KafkaDeliveryReport, KafkaError>, Int) -> Void

    /// Tracks the sends awaiting their delivery report (keyed by the per-message opaque id) and the
    /// producer's health, which decides when the librdkafka handle is replaced.
    struct StateMachine: ~Copyable {
        enum Lifecycle {
            case running
            /// Flushing for shutdown: new sends are refused, pending ones still complete.
            case closing
            case closed
        }

        enum RegisterAction {
            case produce(id: UInt)
            case fail(KafkaError)
        }

        enum ReplaceReason: CustomStringConvertible {
            /// librdkafka raised a fatal error (e.g. the broker fenced our producer id): the handle is unusable.
            case fatal
            /// Deliveries keep timing out; checked against broker reachability before replacing.
            case stalled

            var description: String { self == .fatal ? "fatal error" : "deliveries stalled" }
        }

        private(set) var lifecycle = Lifecycle.running
        /// The generation (handle) new sends go to.
        private(set) var generation = 1
        private(set) var replacing = false
        private var nextID: UInt = 1
        private var pending: [UInt: (handler: DeliveryHandler, generation: Int)] = [:]
        private var consecutiveTimeouts = 0
        private var firstTimeout: ContinuousClock.Instant?
        /// Timed-out deliveries in a row (spanning at least `stallWindow`) before the handle counts as stalled.
        let stallThreshold: Int
        let stallWindow: Duration

        init(stallThreshold: Int = 3, stallWindow: Duration) {
            self.stallThreshold = stallThreshold
            self.stallWindow = stallWindow
        }

        mutating func register(_ handler: @escaping DeliveryHandler, generation: Int) -> RegisterAction {
            guard case .running = lifecycle else { return .fail(.closed("producer")) }
            let id = nextID
            nextID &+= 1
            if nextID == 0 { nextID = 1 }  // 0 would be a null opaque pointer
            pending[id] = (handler, generation)
            return .produce(id: id)
        }

        /// The handler to call for a delivery report, and its generation (nil for unknown ids).
        mutating func delivered(id: UInt) -> (handler: DeliveryHandler, generation: Int)? {
            pending.removeValue(forKey: id)
        }

        /// Takes back a registration whose produce call failed.
        mutating func unregister(id: UInt) -> DeliveryHandler? {
            pending.removeValue(forKey: id)?.handler
        }

        /// A send on handle `generation` completed; returns a reason when that handle should be replaced.
        /// Outcomes from handles already replaced say nothing about the current one and are ignored.
        mutating func sendCompleted(
            _ result: Result<KafkaDeliveryReport, KafkaError>, generation: Int, now: ContinuousClock.Instant
        ) -> ReplaceReason? {
            guard generation == self.generation else { return nil }
            switch result {
            case .success:
                consecutiveTimeouts = 0
                firstTimeout = nil
                return nil
            case .failure(let error) where error.isFatal || error.code == .fatal:
                return beginReplacing(.fatal)
            case .failure(let error) where error.code == .timedOut:
                consecutiveTimeouts += 1
                let first = firstTimeout ?? now
                firstTimeout = first
                guard consecutiveTimeouts >= stallThreshold, now - first >= stallWindow else { return nil }
                return beginReplacing(.stalled)
            case .failure:
                return nil
            }
        }

        /// The poll thread saw `rd_kafka_fatal_error` set on handle `generation` (possibly with no send failing).
        mutating func fatalErrorRaised(generation: Int) -> ReplaceReason? {
            guard generation == self.generation else { return nil }
            return beginReplacing(.fatal)
        }

        /// Whether a send that failed with `error` on handle `generation` should be produced again on a newer
        /// handle: the handle died under it (fatal) or was retired (purged), through no fault of the record.
        func shouldResend(after error: KafkaError, generation: Int) -> Bool {
            guard case .running = lifecycle else { return false }
            return error.isFatal || error.code == .fatal || (error.code == .purged && (replacing || generation < self.generation))
        }

        private mutating func beginReplacing(_ reason: ReplaceReason) -> ReplaceReason? {
            guard case .running = lifecycle, !replacing else { return nil }
            replacing = true
            return reason
        }

        /// The replacement finished: `newGeneration` took over, or nil when the handle was kept.
        /// Health tracking starts afresh.
        mutating func replacementEnded(newGeneration: Int?) {
            replacing = false
            if let newGeneration {
                generation = newGeneration
                consecutiveTimeouts = 0
                firstTimeout = nil
            }
        }

        /// Sends still waiting on a retired handle, to fail.
        mutating func abandon(generation: Int) -> [DeliveryHandler] {
            let ids = pending.filter { $0.value.generation == generation }.map(\.key)
            return ids.compactMap { pending.removeValue(forKey: $0)?.handler }
        }

        /// Returns false when shutdown had already begun.
        mutating func beginClosing() -> Bool {
            guard case .running = lifecycle else { return false }
            lifecycle = .closing
            return true
        }

        /// Marks the producer closed and hands back every send still waiting, to fail.
        mutating func close() -> [(handler: DeliveryHandler, generation: Int)] {
            lifecycle = .closed
            defer { pending = [:] }
            return Array(pending.values)
        }
    }
}
