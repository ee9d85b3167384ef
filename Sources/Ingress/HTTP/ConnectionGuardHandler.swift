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
    /// When the connection closes unless a whole request has arrived; nil while none is awaited.
    private var deadline: NIODeadline?
    /// At most one pending check per connection. Moving the deadline only updates `deadline`, so a
    /// keep-alive request costs no timer scheduling and cancelling (that was a few µs per request).
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
        disarmTimer()
    }

    func channelInactive(context: ChannelHandlerContext) {
        disarmTimer()
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
            deadline = nil
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
        let deadline = NIODeadline.now() + requestTimeout
        self.deadline = deadline
        if timer == nil { schedule(context, at: deadline) }
    }

    private func schedule(_ context: ChannelHandlerContext, at when: NIODeadline) {
        let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        timer = context.eventLoop.scheduleTask(deadline: when) {
            let (handler, context) = loopBound.value
            handler.check(context)
        }
    }

    private func check(_ context: ChannelHandlerContext) {
        timer = nil
        // No request awaited (one is being answered): the next response end re-arms.
        guard let deadline else { return }
        if NIODeadline.now() >= deadline {
            context.channel.close(promise: nil)
        } else {
            schedule(context, at: deadline)
        }
    }

    private func disarmTimer() {
        timer?.cancel()
        timer = nil
        deadline = nil
    }
}
