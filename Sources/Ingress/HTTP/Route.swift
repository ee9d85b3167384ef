/// The ingress's routes; the raw value is the `route` metric label.
enum Route: String, Sendable, CaseIterable {
    case form
    case eventStreams = "event_streams"
    case health
    case ready
    case metrics
    case unknown

    var allowedMethods: [String] {
        switch self {
        case .form, .eventStreams: ["POST"]
        case .health, .ready, .metrics: ["GET", "HEAD"]
        case .unknown: []
        }
    }
}
