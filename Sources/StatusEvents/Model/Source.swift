extension StatusEvent {
    /// Which Twilio feature delivered the callback.
    public enum Source: String, Codable, Sendable, Hashable, CaseIterable {
        case statusCallback = "status-callback"
        case eventStreams = "event-streams"
    }
}
