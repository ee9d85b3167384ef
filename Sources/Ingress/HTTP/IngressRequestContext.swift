package import Hummingbird
package import NIOCore

/// Request context carrying the channel, for the peer address (trusted-proxy checks).
package struct IngressRequestContext: RequestContext {
    package var coreContext: CoreRequestContextStorage
    package let channel: any Channel

    package init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.channel = source.channel
    }

    /// The TCP peer's IP address, computed on demand.
    var peerAddress: String? { channel.remoteAddress?.ipAddress }
}
