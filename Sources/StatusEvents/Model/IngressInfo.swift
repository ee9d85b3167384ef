extension StatusEvent {
    /// Where and how the event entered StatusRelay.
    public struct IngressInfo: Codable, Sendable, Hashable {
        /// The ingress node id (multi-region edges set one per node).
        public var nodeId: String?
        /// Twilio's `I-Twilio-Idempotency-Token` header.
        public var idempotencyToken: String?
        /// Twilio's `X-Home-Region` header.
        public var homeRegion: String?

        public init(nodeId: String? = nil, idempotencyToken: String? = nil, homeRegion: String? = nil) {
            self.nodeId = nodeId
            self.idempotencyToken = idempotencyToken
            self.homeRegion = homeRegion
        }
    }
}
