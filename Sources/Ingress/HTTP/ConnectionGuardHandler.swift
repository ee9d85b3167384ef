import HTTPTypes
import NIOCore
import NIOHTTPTypes

/// Per-connection limits that Hummingbird's HTTP/1 channel does not offer itself:
/// - a whole request (head and body) must arrive within `requestTimeout` of the connection
///   opening or the previous response finishing (slow-loris guard; also closes idle keep-alives);
/// - after `maxRequests` requests the connection is closed (the last request is marked
///   `Connection: close`, which the server honours after responding).
final class ConnectionGuardHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private let requestTimeout: TimeAmount
    private let maxRequests: Int
    private var requests = 0
    private var timer: Scheduled<Void>?

    init(requestTimeout: TimeAmount, maxRequests: Int) {
        self.requestTimeout = requestTimeout
        self.maxRequests = maxRequests
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { arm(context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        arm(context)
        context.fireChannelActive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        timer?.cancel()
        timer = nil
    }

    func channelInactive(context: ChannelHandlerContext) {
        timer?.cancel()
        timer = nil
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(var head):
            requests += 1
            if maxRequests > 0, requests >= maxRequests {
                head.headerFields[.connection] = "close"
                context.fireChannelRead(wrapInboundOut(.head(head)))
                return
            }
        case .end:
            timer?.cancel()
            timer = nil
        case .body:
            break
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data) { arm(context) }
        context.write(data, promise: promise)
    }

    private func arm(_ context: ChannelHandlerContext) {
        timer?.cancel()
        let channel = context.channel
        timer = context.eventLoop.scheduleTask(in: requestTimeout) {
            channel.close(promise: nil)
        }
    }
}
