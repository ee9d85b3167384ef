package import StatusEvents

/// Where reconciliation publishes the events it made: the raw topic, keyed by MessageSid.
package protocol ReconcileEventPublishing: Sendable {
    /// Returns once every event is durable (acks=all), or throws.
    func publish(_ events: [StatusEvent]) async throws
}
