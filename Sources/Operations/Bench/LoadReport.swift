/// Outcome of one fixed-rate run of ``FixedRateLoadGenerator``. Latencies are measured from each request's
/// *intended* send time (open loop), so a stalled server cannot hide its queueing (no coordinated omission).
package struct LoadReport: Sendable, Codable, Hashable, CustomStringConvertible {
    package var targetRate: Double
    package var durationSeconds: Double
    /// Requests scheduled by the rate.
    package var scheduled: Int
    /// Requests that got a complete HTTP response.
    package var completed: Int
    /// Responses by status code ("200": n).
    package var statuses: [String: Int]
    /// Connection failures, resets and requests without a response before the drain deadline.
    package var errors: Int
    package var achievedRate: Double
    package var p50Micros: UInt32
    package var p90Micros: UInt32
    package var p99Micros: UInt32
    package var p999Micros: UInt32
    package var maxMicros: UInt32

    package var description: String {
        func ms(_ micros: UInt32) -> String {
            let value = Double(micros) / 1000
            return value < 10 ? String(format2(value)) : String(Int(value.rounded()))
        }
        return "rate \(Int(targetRate))/s for \(durationSeconds)s: \(completed)/\(scheduled) completed "
            + "(\(Int(achievedRate))/s), statuses \(statuses.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")), "
            + "errors \(errors); latency p50 \(ms(p50Micros)) ms, p90 \(ms(p90Micros)) ms, p99 \(ms(p99Micros)) ms, "
            + "p99.9 \(ms(p999Micros)) ms, max \(ms(maxMicros)) ms"
    }
}

/// Two decimals without Foundation formatting.
func format2(_ value: Double) -> String {
    let hundredths = Int((value * 100).rounded())
    let fraction = hundredths % 100
    return "\(hundredths / 100).\(fraction < 10 ? "0" : "")\(fraction)"
}
