import NIOCore
import NIOPosix

/// An open-loop HTTP/1.1 load generator: sends pre-built requests at a fixed rate over a pool of
/// keep-alive connections and records each latency from the request's intended send time. Debian has no
/// wrk2, and wrk alone cannot hold a rate; this is what `statusrelay bench load` runs.
package struct FixedRateLoadGenerator: Sendable {
    package struct Configuration: Sendable {
        package var host: String
        package var port: Int
        /// Requests per second. Default 5,000.
        package var rate: Double
        /// How long requests are scheduled. Default 20 s.
        package var duration: Duration
        /// Keep-alive connections; a request waits for an idle one. Default 64.
        package var connections: Int
        /// After `duration`, how long outstanding requests may take before they count as errors. Default 10 s.
        package var drainTimeout: Duration
        /// Print a progress line to stderr every second.
        package var showProgress: Bool

        package init(
            host: String = "127.0.0.1", port: Int, rate: Double = 5000, duration: Duration = .seconds(20),
            connections: Int = 64, drainTimeout: Duration = .seconds(10), showProgress: Bool = true
        ) {
            self.host = host
            self.port = port
            self.rate = rate
            self.duration = duration
            self.connections = connections
            self.drainTimeout = drainTimeout
            self.showProgress = showProgress
        }
    }

    package var configuration: Configuration

    package init(configuration: Configuration) {
        self.configuration = configuration
    }

    /// Runs once over `requests` (raw HTTP/1.1 request bytes, rotated) and reports.
    package func run(requests: [[UInt8]]) async throws -> LoadReport {
        guard !requests.isEmpty, configuration.rate > 0, configuration.connections > 0 else {
            throw BenchError("need requests, a positive rate and at least one connection")
        }
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let loop = group.next()
        let allocator = ByteBufferAllocator()
        let buffers = requests.map { allocator.buffer(bytes: $0) }
        let promise = loop.makePromise(of: LoadReport.self)
        let configuration = self.configuration
        loop.execute {
            LoadDriver(loop: loop, configuration: configuration, requests: buffers, promise: promise).begin()
        }
        do {
            let report = try await promise.futureResult.get()
            try await group.shutdownGracefully()
            return report
        } catch {
            try? await group.shutdownGracefully()
            throw error
        }
    }
}
