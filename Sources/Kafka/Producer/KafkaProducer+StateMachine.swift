extension KafkaProducer {
    typealias DeliveryContinuation = CheckedContinuation<Result<KafkaDeliveryReport, KafkaError>, Never>

    /// Tracks the `send` calls awaiting their delivery report, keyed by the per-message opaque id.
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

        private(set) var lifecycle = Lifecycle.running
        private var nextID: UInt = 1
        private var pending: [UInt: DeliveryContinuation] = [:]

        var pendingCount: Int { pending.count }

        mutating func register(_ continuation: DeliveryContinuation) -> RegisterAction {
            guard case .running = lifecycle else { return .fail(.closed("producer")) }
            let id = nextID
            nextID &+= 1
            if nextID == 0 { nextID = 1 }  // 0 would be a null opaque pointer
            pending[id] = continuation
            return .produce(id: id)
        }

        /// The continuation to resume for a delivery report (nil for unknown ids).
        mutating func delivered(id: UInt) -> DeliveryContinuation? {
            pending.removeValue(forKey: id)
        }

        /// Takes back a registration whose produce call failed.
        mutating func unregister(id: UInt) -> DeliveryContinuation? {
            pending.removeValue(forKey: id)
        }

        /// Returns false when shutdown had already begun.
        mutating func beginClosing() -> Bool {
            guard case .running = lifecycle else { return false }
            lifecycle = .closing
            return true
        }

        /// Marks the producer closed and hands back every send still waiting, to fail.
        mutating func close() -> [DeliveryContinuation] {
            lifecycle = .closed
            defer { pending = [:] }
            return Array(pending.values)
        }
    }
}
