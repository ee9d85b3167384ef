/// The event codec alone, single-threaded: `StatusEventCodec.decode` (the consumer's per-record
/// cost) and `StatusEventCodec.encode` (the ingress's and every JSON sink's), on the event the
/// webhook benchmark's typical 9-parameter callback produces. Build in release mode.
public enum EventCodecBenchmark {
    public struct Report: Sendable, Hashable, CustomStringConvertible {
        public var iterations: Int
        /// Wall-clock nanoseconds of the fastest decode round.
        public var decodeNanoseconds: Int64
        /// On-CPU nanoseconds of the fastest decode round.
        public var decodeCPUNanoseconds: Int64
        public var encodeNanoseconds: Int64
        public var encodeCPUNanoseconds: Int64
        /// Bytes of the event decoded and encoded.
        public var eventBytes: Int

        public var nanosecondsPerDecode: Double { perIteration(decodeNanoseconds) }
        public var cpuNanosecondsPerDecode: Double { perIteration(decodeCPUNanoseconds) }
        public var nanosecondsPerEncode: Double { perIteration(encodeNanoseconds) }
        public var cpuNanosecondsPerEncode: Double { perIteration(encodeCPUNanoseconds) }

        private func perIteration(_ total: Int64) -> Double {
            iterations == 0 ? 0 : Double(total) / Double(iterations)
        }

        public var description: String {
            func micros(_ nanoseconds: Double) -> Double { (nanoseconds / 10).rounded() / 100 }
            let decodesPerSecond = nanosecondsPerDecode == 0 ? 0 : Int(1e9 / nanosecondsPerDecode)
            return """
                event decode: \(iterations) events, \(micros(nanosecondsPerDecode)) µs/event wall, \(micros(cpuNanosecondsPerDecode)) µs/event CPU, \(decodesPerSecond) events/s (single thread, \(eventBytes) B event)
                event encode: \(iterations) events, \(micros(nanosecondsPerEncode)) µs/event wall, \(micros(cpuNanosecondsPerEncode)) µs/event CPU
                """
        }
    }

    /// The webhook benchmark's callback, normalized as the ingress does.
    public static func sampleEvent() -> StatusEvent {
        do {
            let parameters = try FormParameters.parse(WebhookBenchmark.body)
            return try StatusCallbackNormalizer(nodeId: "ingress-eu-1").normalize(
                parameters, idempotencyToken: "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0", homeRegion: "us1",
                receivedAt: 1_764_400_000_000
            )
        } catch {
            preconditionFailure("benchmark fixture failed: \(error)")
        }
    }

    /// Decodes and encodes the sample event `iterations` times per round after a warm-up and
    /// reports the fastest of `rounds` rounds. Fails (precondition) if a decoded event differs from
    /// the original, so a broken codec cannot produce a flattering figure.
    public static func run(iterations: Int, rounds: Int = 5) -> Report {
        let event = sampleEvent()
        let bytes = StatusEventCodec.encode(event)
        do {
            guard try StatusEventCodec.decode(bytes) == event else { preconditionFailure("decode(encode(event)) != event") }
        } catch {
            preconditionFailure("benchmark fixture failed: \(error)")
        }
        func decodeOnce() -> Int {
            do {
                return try StatusEventCodec.decode(bytes).params.count
            } catch {
                preconditionFailure("benchmark fixture failed: \(error)")
            }
        }
        func encodeOnce() -> Int { StatusEventCodec.encode(event).count }

        func measure(_ body: () -> Int) -> (wall: Int64, cpu: Int64) {
            var checksum = 0
            for _ in 0..<min(1000, iterations) { checksum &+= body() }
            let clock = ContinuousClock()
            var best = Int64.max
            var bestCPU = Int64.max
            for _ in 0..<max(1, rounds) {
                let start = clock.now
                let cpuStart = WebhookBenchmark.threadCPUNanoseconds()
                for _ in 0..<iterations { checksum &+= body() }
                let (seconds, attoseconds) = (clock.now - start).components
                best = min(best, seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
                bestCPU = min(bestCPU, WebhookBenchmark.threadCPUNanoseconds() - cpuStart)
            }
            precondition(checksum != 0)
            return (best, bestCPU)
        }
        let decode = measure(decodeOnce)
        let encode = measure(encodeOnce)
        return Report(
            iterations: iterations, decodeNanoseconds: decode.wall, decodeCPUNanoseconds: decode.cpu,
            encodeNanoseconds: encode.wall, encodeCPUNanoseconds: encode.cpu, eventBytes: bytes.count
        )
    }
}
