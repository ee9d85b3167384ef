import Ingress
import Synchronization

/// Keeps what the HTTP application publishes, for tests without a broker; `failing` answers
/// `unavailable` as a publisher with neither Kafka nor spool would.
final class InMemoryPublisher: EventPublishing {
    private let records = Mutex<[SpoolRecord]>([])
    let failing: Bool

    init(failing: Bool = false) {
        self.failing = failing
    }

    var published: [SpoolRecord] { records.withLock { $0 } }

    func publish(_ record: SpoolRecord) async throws(IngressError) -> EventPublisher.Path {
        if failing { throw IngressError(code: .unavailable, message: "neither Kafka nor the spool can take the record") }
        records.withLock { $0.append(record) }
        return .kafka
    }
}
