package import Logging
import StatusRelayCore

/// `stdout`: one JSON object per line on standard output (same form as ``JSONLinesSink``), written
/// on a dedicated dispatch queue. Logs go to standard error, so the stream stays clean.
package final class StdoutSink: EventSink {
    package let name = "stdout"
    /// Writes each record's JSON; reads only the summary.
    package var readsEvents: Bool { false }
    private let io = BlockingIO(label: "statusrelay.stdout-sink")
    private let logger: Logger

    package init(logger: Logger) {
        self.logger = logger
    }

    package func start() async throws {}

    package func write(_ batch: [ReleasedEvent]) async throws {
        guard !batch.isEmpty else { return }
        let bytes = LineWriter.lines(batch)
        try await io.run { try LineWriter.writeAll(bytes, to: 1, sink: "stdout") }
    }

    package func shutdown() async throws {}
}
