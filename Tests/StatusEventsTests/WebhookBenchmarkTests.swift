import Foundation
import StatusEvents
import Testing

/// Runs the benchmark so it stays working; the figure is printed, never asserted.
/// For a real figure: `STATUSRELAY_BENCH_ITERATIONS=200000 swift test -c release --filter WebhookBenchmarkTests`.
@Suite struct WebhookBenchmarkTests {
    @Test func benchmarkRunsAndReports() {
        let iterations = ProcessInfo.processInfo.environment["STATUSRELAY_BENCH_ITERATIONS"].flatMap { Int($0) } ?? 2_000
        let report = WebhookBenchmark.run(iterations: iterations)
        print("WebhookBenchmark: \(report)")
        #expect(report.iterations == iterations)
        #expect(report.eventBytes > 500)
    }
}
