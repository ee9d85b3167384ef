/// What the HTTP application needs from a publisher: make a record durable and say where.
/// `EventPublisher` (Kafka, else the spool) conforms; tests of the HTTP surface pass an in-memory one.
package protocol EventPublishing: Sendable {
    /// Returns once the record is durable; throws `unavailable` when it cannot be made so.
    func publish(_ record: SpoolRecord) async throws(IngressError) -> EventPublisher.Path
}

extension EventPublisher: EventPublishing {}
