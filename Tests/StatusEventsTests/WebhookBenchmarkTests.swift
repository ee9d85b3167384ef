import StatusEvents
import Testing

/// Runs the benchmark briefly so it stays working; the figure is printed, never asserted.
@Suite struct WebhookBenchmarkTests {
    @Test func benchmarkRunsAndReports() {
        let report = WebhookBenchmark.run(iterations: 2_000)
        print("WebhookBenchmark (debug build, not representative): \(report)")
        #expect(report.iterations == 2_000)
        #expect(report.eventBytes > 500)
    }
}
