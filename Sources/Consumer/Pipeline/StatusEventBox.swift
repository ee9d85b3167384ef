import StatusEvents

/// An immutable, shared `StatusEvent`: copying the box is one retain.
final class StatusEventBox: Sendable {
    let event: StatusEvent

    init(_ event: StatusEvent) {
        self.event = event
    }
}
