import NIOCore

/// One keep-alive connection of ``LoadDriver``: writes one pre-built request at a time and reports each
/// complete response (or the connection's loss) back to the driver. Runs on the driver's event loop.
final class LoadConnectionHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let driver: LoadDriver
    private var context: ChannelHandlerContext?
    private var received: ByteBuffer?
    /// Index of the request awaiting its response.
    private(set) var inFlight: Int?
    let id: Int

    init(driver: LoadDriver, id: Int) {
        self.driver = driver
        self.id = id
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func channelActive(context: ChannelHandlerContext) {
        driver.connectionReady(self)
        context.fireChannelActive()
    }

    func send(index: Int, request: ByteBuffer) {
        guard let context else { return }
        inFlight = index
        context.writeAndFlush(wrapOutboundOut(request), promise: nil)
    }

    func close() {
        context?.close(promise: nil)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var bytes = unwrapInboundIn(data)
        if received == nil {
            received = bytes
        } else {
            received!.writeBuffer(&bytes)
        }
        while let buffer = received, buffer.readableBytes > 0 {
            let scanned: Result<HTTPResponseScanner.Response?, BenchError> = buffer.withUnsafeReadableBytes { raw in
                Result { () throws(BenchError) in try HTTPResponseScanner.scan(raw) }
            }
            switch scanned {
            case .failure:
                context.close(promise: nil)
                return
            case .success(nil):
                return
            case .success(let response?):
                received!.moveReaderIndex(forwardBy: response.length)
                if received!.readableBytes == 0 { received = nil }
                let index = inFlight
                inFlight = nil
                if let index {
                    driver.completed(self, index: index, status: response.status, reusable: !response.closesConnection)
                }
                if response.closesConnection {
                    context.close(promise: nil)
                    return
                }
            }
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        let lost = inFlight
        inFlight = nil
        self.context = nil
        driver.connectionClosed(self, lostRequest: lost)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}
