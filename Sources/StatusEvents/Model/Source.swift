extension StatusEvent {
    /// Which Twilio feature delivered the callback, or `reconciliation` for a status that
    /// `statusrelay reconcile` read from Twilio's Messages API.
    public enum Source: String, Codable, Sendable, Hashable, CaseIterable {
        case statusCallback = "status-callback"
        case eventStreams = "event-streams"
        case reconciliation = "reconciliation"
    }
}
