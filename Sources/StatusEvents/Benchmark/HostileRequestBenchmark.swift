/// The costliest requests we can construct within the default `WebhookLimits` and 64 KiB body,
/// measured single-threaded as the CPU the ingress spends on each up to its answer (parse, sort,
/// canonical form and HMAC of a request whose signature fails; for the signed batch also the
/// normalization), against a typical signed callback's whole pipeline (`WebhookBenchmark`).
/// Used by `statusrelay bench webhook`; build in release mode for meaningful figures.
public enum HostileRequestBenchmark {
    public struct Row: Sendable, Hashable, CustomStringConvertible {
        public var name: String
        public var bodyBytes: Int
        /// Thread CPU per request, fastest round.
        public var cpuNanosecondsPerRequest: Double
        /// `cpuNanosecondsPerRequest` over the typical callback's.
        public var ratio: Double
        /// `cpuNanosecondsPerRequest` over signing one 64 KiB parameter: the least any verifier
        /// must spend on a full body (the ceiling: linear work stays within a small multiple).
        public var ratioToSigning: Double
        /// MACs the verifier computed for the request (each URL form tried, per key).
        public var macs: Int
        /// The ceiling for `ratioToSigning`: twice the bytes `ReencodedQueryTests` bounds the MACs at
        /// (`macs × (3 × URL + payload)`, payload the 64 KiB budget) over the bytes of the 64 KiB
        /// signing; the two forms of a short URL give 4 (the ceiling before twilio-node's forms).
        public var ceilingToSigning: Double

        public var description: String {
            let micros = (cpuNanosecondsPerRequest / 10).rounded() / 100
            let times = (ratio * 10).rounded() / 10
            let signing = (ratioToSigning * 100).rounded() / 100
            let ceiling = (ceilingToSigning * 100).rounded() / 100
            return "\(name): \(bodyBytes) B, \(micros) µs CPU/request, \(times)× a typical callback, \(signing)× signing 64 KiB (\(macs) MACs, ceiling \(ceiling)×)"
        }
    }

    struct Case {
        var name: String
        var contentType: String
        var url: String
        var signature: String
        var body: [UInt8]
        /// Normalize after verification (a signed Event Streams batch).
        var normalize = false
    }

    static let formType = "application/x-www-form-urlencoded"
    static let bodyBudget = 64 << 10
    static let badSignature = "AAAAAAAAAAAAAAAAAAAAAAAAAAA="
    /// NIO's HTTP/1 decoder refuses a request line plus headers over 80 KiB; the rest of a head
    /// (method, version, Host, Content-Type, Content-Length, the signature) fits in 512 bytes.
    static let targetBudget = (80 << 10) - 512
    /// A public URL with a port other than the default: twilio-node's query forms are tried with
    /// and without it, the most forms a request can make us try (6 per key).
    static let portURL = "https://relay.example.com:8443/twilio/status"

    /// A name or value of `length` bytes: `prefix`, zero-padded `number`, filler in between.
    static func padded(_ prefix: String, _ number: Int, length: Int) -> String {
        let digits = String(number)
        return prefix + String(repeating: "x", count: max(0, length - prefix.utf8.count - 6)) + String(repeating: "0", count: max(0, 6 - digits.count)) + digits
    }

    static func form(_ pairs: [(String, String)]) -> [UInt8] {
        Array(pairs.map { "\($0.0)=\($0.1)" }.joined(separator: "&").utf8)
    }

    static func cases() -> [Case] {
        let count = WebhookLimits.defaultMaxFormParameters
        // Names and values sized so `count` parameters fill the body budget.
        let length = bodyBudget / count / 2 - 4
        var generator = SplitMix(seed: 16)
        func formCase(_ name: String, _ pairs: [(String, String)]) -> Case {
            Case(name: name, contentType: formType, url: WebhookBenchmark.url, signature: badSignature, body: form(pairs))
        }
        let esURL = WebhookBenchmark.url + "&bodySHA256="
        func batch(_ count: Int) -> [UInt8] { Array(("[" + Array(repeating: "{}", count: count).joined(separator: ",") + "]").utf8) }
        let signedBatch = batch(WebhookLimits.defaultMaxBatchEvents)
        let signedBatchURL = esURL + SignatureVerifier.bodySHA256(signedBatch)
        // Every byte of `é` triples in both of twilio-node's forms (`%C3%A9`); the `%27` makes its two
        // forms differ, so all six are tried.
        let reencodable = "?n=%27&q=" + String(repeating: "é", count: (targetBudget - "/twilio/status?n=%27&q=".utf8.count) / 2)
        var reencoded = formCase("form, \(count) names descending, \(reencodable.utf8.count)-byte re-encodable query, port 8443", [])
        reencoded.url = portURL + reencodable
        reencoded.body = form((0..<count).map { ("n\(count - $0)", padded("v", $0, length: 2 * length)) })
        return [
            reencoded,
            formCase("form, \(count) names descending", (0..<count).map { ("n\(count - $0)", padded("v", $0, length: 2 * length)) }),
            formCase("form, \(count) names ascending", (0..<count).map { ("n" + padded("", $0, length: 6), padded("v", $0, length: 2 * length)) }),
            formCase("form, \(count) names random", (0..<count).map { _ in ("n\(generator.next() % 1_000_000)", padded("v", 0, length: 2 * length)) }),
            formCase("form, \(count) names with a \(length)-byte common prefix, descending", (0..<count).map { (padded("n", count - $0, length: length), padded("v", $0, length: length)) }),
            formCase("form, one name \(count) times, values with a common prefix, descending", (0..<count).map { ("To", padded("v", count - $0, length: 2 * length)) }),
            formCase("form, one name \(count) times, one value", (0..<count).map { _ in ("To", padded("v", 0, length: 2 * length)) }),
            formCase("form, 10,000 names descending (over the limit)", (0..<10_000).map { (String(0x3000 - $0, radix: 16), "") }),
            Case(name: "event streams, 10,000 elements (over the limit)", contentType: "application/json", url: esURL + "0", signature: badSignature, body: batch(10_000)),
            Case(
                name: "event streams, signed, \(WebhookLimits.defaultMaxBatchEvents) invalid elements", contentType: "application/json",
                url: signedBatchURL,
                signature: SignatureVerifier.computeSignature(url: signedBatchURL, parameters: FormParameters(), secret: WebhookBenchmark.authToken),
                body: signedBatch, normalize: true
            ),
        ]
    }

    /// Runs each case `iterations` times per round, `rounds` rounds, and reports the fastest round.
    public static func run(iterations: Int, rounds: Int = 3) -> (typicalCPUNanoseconds: Double, signingCPUNanoseconds: Double, rows: [Row]) {
        let typical = WebhookBenchmark.run(iterations: max(iterations, 1000), rounds: rounds).cpuNanosecondsPerCallback
        let large = FormParameters([("Body", String(repeating: "x", count: bodyBudget - 5))])
        let signingBytes = WebhookBenchmark.url.utf8.count + "Body".utf8.count + bodyBudget - 5
        let signing = cpuPerRequest(iterations: iterations, rounds: rounds) {
            SignatureVerifier.computeSignature(url: WebhookBenchmark.url, parameters: large, secret: WebhookBenchmark.authToken).utf8.count
        }
        let verifier = SignatureVerifier(secrets: WebhookSecrets(authTokens: [WebhookBenchmark.authToken]))
        let normalizer = EventStreamsNormalizer(nodeId: "bench")
        var rows: [Row] = []
        for item in cases() {
            func once() -> Int {
                do {
                    let request = try WebhookRequest(url: item.url, signature: item.signature, contentType: item.contentType, body: item.body)
                    try verifier.verify(request)
                    if item.normalize { return try normalizer.normalize(body: item.body, receivedAt: 0).rejections.count }
                    return request.parameters.count
                } catch {
                    return 1
                }
            }
            let perRequest = cpuPerRequest(iterations: iterations, rounds: rounds, once)
            var cost = SignatureVerifier.MACCost()
            if let request = try? WebhookRequest(url: item.url, signature: item.signature, contentType: item.contentType, body: item.body) {
                _ = try? verifier.verify(request, cost: &cost)
            }
            // The payload bound is the body budget (every row may spend it); a request refused before
            // its MACs keeps the two-form ceiling (its parse has the same budget).
            let boundBytes = max(cost.macs, 2) * (3 * item.url.utf8.count + bodyBudget)
            rows.append(
                Row(
                    name: item.name, bodyBytes: item.body.count, cpuNanosecondsPerRequest: perRequest,
                    ratio: typical > 0 ? perRequest / typical : 0, ratioToSigning: signing > 0 ? perRequest / signing : 0,
                    macs: cost.macs, ceilingToSigning: 2 * Double(boundBytes) / Double(signingBytes)
                )
            )
        }
        return (typical, signing, rows)
    }

    /// Thread CPU per call of `once`, fastest of `rounds` rounds.
    static func cpuPerRequest(iterations: Int, rounds: Int, _ once: () -> Int) -> Double {
        var best = Int64.max
        var checksum = 0
        for _ in 0..<max(1, rounds) {
            let start = WebhookBenchmark.threadCPUNanoseconds()
            for _ in 0..<max(1, iterations) { checksum &+= once() }
            best = min(best, WebhookBenchmark.threadCPUNanoseconds() - start)
        }
        precondition(checksum != 0)
        return Double(best) / Double(max(1, iterations))
    }

    /// A small deterministic generator (no Foundation).
    struct SplitMix {
        var state: UInt64
        init(seed: UInt64) { state = seed }
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }
}
