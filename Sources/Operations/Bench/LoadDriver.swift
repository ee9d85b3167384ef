import NIOCore
import NIOPosix
import StatusRelayCore

#if canImport(Glibc)
import Glibc
#endif

/// The open-loop scheduler behind ``FixedRateLoadGenerator``. Request *i* is due at `start + i / rate`;
/// due requests go to idle connections in order, and wait (with their latency clock running) when every
/// connection is busy.
///
/// `@unchecked Sendable`: every method runs on `loop` (NIO handlers, scheduled tasks and future callbacks
/// of channels on that loop); the annotation only lets closures handed to NIO capture it.
final class LoadDriver: @unchecked Sendable {
    let loop: any EventLoop
    let configuration: FixedRateLoadGenerator.Configuration
    private let requests: [ByteBuffer]
    private let promise: EventLoopPromise<LoadReport>
    private let total: Int

    private var connections: [Int: LoadConnectionHandler] = [:]
    private var idle: [LoadConnectionHandler] = []
    private var nextConnectionID = 0
    private var start = NIODeadline.now()
    private var started = false
    private var due = 0
    private var dispatched = 0
    private var completedCount = 0
    private var errors = 0
    private var statuses: [Int: Int] = [:]
    private var samples: LatencySamples
    private var ticker: RepeatedTask?
    private var progressTask: RepeatedTask?
    private var finished = false
    private var pendingConnects = 0

    init(
        loop: any EventLoop, configuration: FixedRateLoadGenerator.Configuration, requests: [ByteBuffer],
        promise: EventLoopPromise<LoadReport>
    ) {
        self.loop = loop
        self.configuration = configuration
        self.requests = requests
        self.promise = promise
        self.total = max(1, Int(configuration.rate * configuration.duration.seconds))
        self.samples = LatencySamples(reservingCapacity: total)
    }

    /// Opens the connections, then starts the clock.
    func begin() {
        pendingConnects = configuration.connections
        for _ in 0..<configuration.connections { connect() }
    }

    private func connect() {
        let id = nextConnectionID
        nextConnectionID += 1
        let driver = self
        ClientBootstrap(group: loop)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(LoadConnectionHandler(driver: driver, id: id))
                }
            }
            .connect(host: configuration.host, port: configuration.port)
            .whenComplete { result in
                if case .failure = result { driver.connectFailed() }
            }
    }

    private func connectFailed() {
        if !started {
            pendingConnects -= 1
            if pendingConnects == 0 { startClock() }
            return
        }
        guard !finished else { return }
        // The server may be restarting or refusing; retry shortly without busy-looping.
        loop.scheduleTask(in: .milliseconds(100)) { self.connect() }
    }

    func connectionReady(_ connection: LoadConnectionHandler) {
        connections[connection.id] = connection
        idle.append(connection)
        if !started {
            pendingConnects -= 1
            if pendingConnects == 0 { startClock() }
        } else {
            dispatch()
        }
    }

    private func startClock() {
        guard !started else { return }
        started = true
        guard !connections.isEmpty else {
            promise.fail(BenchError("cannot connect to \(configuration.host):\(configuration.port)"))
            finished = true
            return
        }
        start = .now()
        ticker = loop.scheduleRepeatedTask(initialDelay: .zero, delay: .microseconds(250)) { _ in self.tick() }
        if configuration.showProgress {
            progressTask = loop.scheduleRepeatedTask(initialDelay: .seconds(1), delay: .seconds(1)) { _ in
                self.printProgress()
            }
        }
        let limit = TimeAmount.nanoseconds((configuration.duration + configuration.drainTimeout).nanoseconds)
        loop.scheduleTask(in: limit) { self.finish() }
    }

    private func intendedTime(of index: Int) -> NIODeadline {
        start + .nanoseconds(Int64(Double(index) / configuration.rate * 1e9))
    }

    private func tick() {
        let elapsed = Double((NIODeadline.now() - start).nanoseconds) / 1e9
        due = min(total, max(due, Int(elapsed * configuration.rate) + 1))
        dispatch()
        if due == total {
            ticker?.cancel()
            ticker = nil
        }
    }

    private func dispatch() {
        while dispatched < due, let connection = idle.popLast() {
            connection.send(index: dispatched, request: requests[dispatched % requests.count])
            dispatched += 1
        }
    }

    func completed(_ connection: LoadConnectionHandler, index: Int, status: Int, reusable: Bool) {
        samples.record(nanoseconds: (NIODeadline.now() - intendedTime(of: index)).nanoseconds)
        statuses[status, default: 0] += 1
        completedCount += 1
        if reusable && !finished { idle.append(connection) }
        if completedCount + errors >= total {
            finish()
        } else {
            dispatch()
        }
    }

    func connectionClosed(_ connection: LoadConnectionHandler, lostRequest: Int?) {
        connections[connection.id] = nil
        idle.removeAll { $0 === connection }
        if lostRequest != nil { errors += 1 }
        guard !finished else { return }
        if completedCount + errors >= total {
            finish()
        } else if started {
            connect()
        }
    }

    private func printProgress() {
        let elapsed = Int((Double((NIODeadline.now() - start).nanoseconds) / 1e9).rounded())
        let line = "    \(elapsed)s: scheduled \(due), completed \(completedCount), errors \(errors), waiting \(due - dispatched)\n"
        // Straight to fd 2: progress must not mix into the JSON on stdout.
        var bytes = Array(line.utf8)
        _ = bytes.withUnsafeMutableBytes { write(2, $0.baseAddress, $0.count) }
    }

    private func finish() {
        guard !finished else { return }
        finished = true
        ticker?.cancel()
        progressTask?.cancel()
        let elapsed = Double((NIODeadline.now() - start).nanoseconds) / 1e9
        // Scheduled but never answered before the drain deadline.
        let unanswered = total - completedCount - errors
        let report = LoadReport(
            targetRate: configuration.rate,
            durationSeconds: configuration.duration.seconds,
            scheduled: total,
            completed: completedCount,
            statuses: Dictionary(uniqueKeysWithValues: statuses.map { ("\($0.key)", $0.value) }),
            errors: errors + max(0, unanswered),
            achievedRate: Double(completedCount) / max(elapsed, configuration.duration.seconds),
            p50Micros: samples.percentile(50),
            p90Micros: samples.percentile(90),
            p99Micros: samples.percentile(99),
            p999Micros: samples.percentile(99.9),
            maxMicros: samples.percentile(100)
        )
        for connection in connections.values { connection.close() }
        idle.removeAll()
        promise.succeed(report)
    }
}
