public import Hummingbird
public import NIOCore

/// Request context carrying the channel, for the peer address (trusted-proxy checks).
public struct IngressRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    public let channel: any Channel

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.channel = source.channel
    }

    /// The TCP peer's IP address, computed on demand.
    var peerAddress: String? { channel.remoteAddress?.ipAddress }
}
