#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The ingress hot path, measured single-threaded: parse a typical 9-parameter status callback,
/// verify its signature, normalize it and encode the event. Used by `statusrelay bench`; build in
/// release mode for meaningful figures.
public enum WebhookBenchmark {
    public struct Report: Sendable, Hashable, CustomStringConvertible {
        public var iterations: Int
        /// Wall-clock time of the fastest round.
        public var totalNanoseconds: Int64
        /// On-CPU time of this thread in the fastest round (less disturbed by other processes).
        public var cpuNanoseconds: Int64
        /// Encoded bytes of one event (sanity check that work was done).
        public var eventBytes: Int

        public var nanosecondsPerCallback: Double {
            iterations == 0 ? 0 : Double(totalNanoseconds) / Double(iterations)
        }

        public var cpuNanosecondsPerCallback: Double {
            iterations == 0 ? 0 : Double(cpuNanoseconds) / Double(iterations)
        }

        public var callbacksPerSecond: Double {
            totalNanoseconds == 0 ? 0 : Double(iterations) * 1e9 / Double(totalNanoseconds)
        }

        public var description: String {
            let micros = (nanosecondsPerCallback / 10).rounded() / 100
            let cpuMicros = (cpuNanosecondsPerCallback / 10).rounded() / 100
            return "verify+parse+normalize+encode: \(iterations) callbacks, \(micros) µs/callback wall, \(cpuMicros) µs/callback CPU, \(Int(callbacksPerSecond)) callbacks/s (single thread, \(eventBytes) B event)"
        }
    }

    public static let authToken = "12345678901234567890123456789012"
    public static let url = "https://relay.example.com/twilio/status?region=us1"

    /// A typical status callback body (9 parameters).
    public static let body: [UInt8] = Array(
        ("ApiVersion=2010-04-01&AccountSid=AC0123456789abcdef0123456789abcdef&MessageSid=SM0123456789abcdef0123456789abcdef"
            + "&MessageStatus=delivered&SmsSid=SM0123456789abcdef0123456789abcdef&SmsStatus=delivered"
            + "&From=%2B15017122661&To=%2B15558675310&MessagingServiceSid=MG0123456789abcdef0123456789abcdef").utf8
    )

    /// Runs the pipeline `iterations` times after a short warm-up, in `rounds` timed rounds, and
    /// reports the fastest round (the least disturbed by other processes). Fails (precondition) if
    /// the fixture ever stops verifying, so a broken path cannot produce a flattering figure.
    public static func run(iterations: Int, rounds: Int = 5) -> Report {
        let parameters = try! FormParameters.parse(body)
        let signature = SignatureVerifier.computeSignature(url: url, parameters: parameters, secret: authToken)
        let verifier = SignatureVerifier(secrets: WebhookSecrets(authTokens: [authToken]))
        let normalizer = StatusCallbackNormalizer(nodeId: "bench")
        var bytes = 0
        func once(_ receivedAt: Int64) -> Int {
            do {
                let request = try WebhookRequest(
                    url: url, signature: signature, signatureSettings: nil,
                    contentType: "application/x-www-form-urlencoded", body: body
                )
                try verifier.verify(request)
                let event = try normalizer.normalize(
                    request.parameters, idempotencyToken: "token", homeRegion: "us1", receivedAt: receivedAt
                )
                return StatusEventCodec.encode(event).count
            } catch {
                preconditionFailure("benchmark fixture failed: \(error)")
            }
        }
        for warm in 0..<min(1000, iterations) { bytes = once(Int64(warm)) }
        let clock = ContinuousClock()
        var best = Int64.max
        var bestCPU = Int64.max
        for _ in 0..<max(1, rounds) {
            let start = clock.now
            let cpuStart = threadCPUNanoseconds()
            var checksum = 0
            for index in 0..<iterations { checksum &+= once(1_764_400_000_000 + Int64(index)) }
            if iterations > 0 { bytes = checksum / iterations }
            let (seconds, attoseconds) = (clock.now - start).components
            best = min(best, seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
            bestCPU = min(bestCPU, threadCPUNanoseconds() - cpuStart)
        }
        return Report(iterations: iterations, totalNanoseconds: best, cpuNanoseconds: bestCPU, eventBytes: bytes)
    }

    static func threadCPUNanoseconds() -> Int64 {
        var time = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
        return Int64(time.tv_sec) * 1_000_000_000 + Int64(time.tv_nsec)
    }
}
