import Consumer
import Foundation
package import Logging
import StatusRelayCore

/// The report benchmark: fills a sink's tables with ``ReportFixture`` events through the real sink,
/// then times ``DeliveryReportGenerator`` over them. Driven by `statusrelay report-bench`.
package enum ReportBenchmark {
    package struct Timing: Sendable {
        package var events: Int
        package var fillSeconds: Double
        /// One entry per report run.
        package var reportSeconds: [Double]
        package var report: DeliveryReport
    }

    /// - Parameters:
    ///   - messages: 200,000 messages make about 1,000,000 events.
    ///   - fill: write the fixture first (false: time an existing database).
    package static func run(
        sink url: String, messages: Int, runs: Int, fill: Bool, now: Int64, logger: Logger,
        progress: (@Sendable (String) -> Void)? = nil
    ) async throws -> Timing {
        let clock = ContinuousClock()
        var events = 0
        var fillSeconds = 0.0
        // Messages over the last 6 days, so a 7-day window covers them all.
        let fixture = ReportFixture(messages: messages, start: now - 6 * 86_400_000, spanMilliseconds: 6 * 86_400_000 - 3_600_000)
        if fill {
            var configuration = SinkFactory.Configuration()
            configuration.sqlite.synchronous = .normal
            let sink = try SinkFactory.makeSink(url: url, configuration: configuration, logger: logger)
            try await sink.start()
            let started = clock.now
            events = try await fixture.write(to: sink, batchSize: 5_000) { done, total in
                if done % 20_000 == 0 || done == total { progress?("filled \(done)/\(total) messages") }
            }
            fillSeconds = seconds(clock.now - started)
            try await sink.shutdown()
        }
        var timings: [Double] = []
        var last: DeliveryReport?
        for _ in 0..<max(1, runs) {
            let started = clock.now
            last = try await DeliveryReportGenerator.generate(
                configuration: ReportConfiguration(sink: url, since: now - 7 * 86_400_000, bucket: .hour, now: now),
                logger: logger
            )
            timings.append(seconds(clock.now - started))
            progress?("report in \(String(format: "%.2f", timings.last!)) s")
        }
        return Timing(events: events == 0 ? last!.totals.events : events, fillSeconds: fillSeconds, reportSeconds: timings, report: last!)
    }

    static func seconds(_ duration: Duration) -> Double {
        duration.seconds
    }
}
