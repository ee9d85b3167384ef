public import Logging
import StatusRelayCore

/// `stdout`: one JSON object per line on standard output (same form as ``JSONLinesSink``), written
/// on a dedicated dispatch queue. Logs go to standard error, so the stream stays clean.
public final class StdoutSink: EventSink {
    public let name = "stdout"
    /// Writes each record's JSON; reads only the summary.
    public var readsEvents: Bool { false }
    private let io = BlockingIO(label: "statusrelay.stdout-sink")
    private let logger: Logger

    public init(logger: Logger) {
        self.logger = logger
    }

    public func start() async throws {}

    public func write(_ batch: [ReleasedEvent]) async throws {
        guard !batch.isEmpty else { return }
        let bytes = LineWriter.lines(batch)
        try await io.run { try LineWriter.writeAll(bytes, to: 1, sink: "stdout") }
    }

    public func shutdown() async throws {}
}
