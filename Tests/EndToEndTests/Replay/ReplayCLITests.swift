import Foundation
import Testing
import TestSupport

/// `statusrelay replay` and `statusrelay report` as operators run them (the built binary).
@Suite("Replay and report CLI")
struct ReplayCLITests {
    @Test("replay into SQLite with progress, then report with --html")
    func replayThenReport() async throws {
        let topic = try await TestKafka.makeTopic("replay-cli", partitions: 2)
        let start = Int64(Date().timeIntervalSince1970 * 1000) - 3_600_000
        let events = ReplayTestSupport.events(messages: 80, start: start, seed: 31)
        try await ReplayTestSupport.produce(events, to: topic)
        let directory = try TestEnvironment.makeTemporaryDirectory("replay-cli")
        let binary = (try TestEnvironment.binDir as NSString).appendingPathComponent("statusrelay")
        let sink = "sqlite:\(directory)/cli.db"
        var kafkaConfig: [String] = []
        for (key, value) in TestEnvironment.consumerTuning.sorted(by: { $0.key < $1.key }) {
            kafkaConfig += ["--kafka-config", "\(key)=\(value)"]
        }

        let dry = try ChildProcess(
            binary, arguments: ["replay", "--from", "earliest", "--topic", topic, "--brokers", try TestEnvironment.brokers, "--sink", sink, "--dry-run"] + kafkaConfig
        )
        #expect(try await dry.waitForExit(timeout: .seconds(120)) == .exited(0), "\(dry.output())")
        #expect(dry.output().contains("80 of 80 messages would change state"), "\(dry.output())")
        #expect(dry.output().contains("events  "), "progress line: \(dry.output())")

        let replay = try ChildProcess(
            binary, arguments: ["replay", "--from", "earliest", "--topic", topic, "--brokers", try TestEnvironment.brokers, "--sink", sink] + kafkaConfig
        )
        #expect(try await replay.waitForExit(timeout: .seconds(120)) == .exited(0), "\(replay.output())")
        #expect(replay.output().contains("read \(events.count) records"), "\(replay.output())")

        let html = "\(directory)/report.html"
        let report = try ChildProcess(binary, arguments: ["report", "--sink", sink, "--since", "7d", "--bucket", "day", "--html", html])
        #expect(try await report.waitForExit(timeout: .seconds(120)) == .exited(0), "\(report.output())")
        #expect(report.output().contains("80 messages"), "\(report.output())")
        #expect(report.output().contains("By period, sender, messaging service and channel"))
        #expect(try String(contentsOfFile: html, encoding: .utf8).contains("<svg class=\"chart\" id=\"status-mix\""))

        let bad = try ChildProcess(binary, arguments: ["report", "--sink", sink, "--since", "last tuesday"])
        #expect(try await bad.waitForExit(timeout: .seconds(60)) != .exited(0))
        #expect(bad.output().contains("--since"))
    }
}
