import Synchronization

/// Answers `/readyz` without hammering the broker: the broker probe result is cached briefly.
final class ReadinessProbe: Sendable {
    struct Status: Sendable {
        var brokerReachable: Bool
        var spoolHasRoom: Bool
        var ready: Bool { brokerReachable || spoolHasRoom }
    }

    private let probeBroker: @Sendable () async -> Bool
    private let spoolHasRoom: @Sendable () -> Bool
    private let cache = Mutex<(at: ContinuousClock.Instant, reachable: Bool)?>(nil)
    private let cacheFor: Duration

    init(
        cacheFor: Duration = .seconds(1), spoolHasRoom: @escaping @Sendable () -> Bool, probeBroker: @escaping @Sendable () async -> Bool
    ) {
        self.spoolHasRoom = spoolHasRoom
        self.cacheFor = cacheFor
        self.probeBroker = probeBroker
    }

    func status() async -> Status {
        let now = ContinuousClock.now
        let cached = cache.withLock { entry -> Bool? in
            guard let entry, now - entry.at < cacheFor else { return nil }
            return entry.reachable
        }
        let reachable: Bool
        if let cached {
            reachable = cached
        } else {
            reachable = await probeBroker()
            cache.withLock { $0 = (ContinuousClock.now, reachable) }
        }
        return Status(brokerReachable: reachable, spoolHasRoom: spoolHasRoom())
    }
}
