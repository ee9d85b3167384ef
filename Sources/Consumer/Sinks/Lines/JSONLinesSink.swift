import Foundation
public import Logging
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `jsonl:PATH`: appends one JSON object per line (the event JSON with `sequence`, `late`, `topic`,
/// `partition` and `offset`), and fsyncs once per batch before `write` returns. File I/O runs on a
/// dedicated dispatch queue. At least once: after a crash a batch may be appended again, so readers
/// deduplicate on `id`.
public final class JSONLinesSink: EventSink {
    public struct Configuration: Sendable {
        /// fsync after every batch. Default true. Env `STATUSRELAY_JSONL_FSYNC`.
        public var fsync: Bool = true

        public init() {}
    }

    public let name = "jsonl"
    public let path: String
    private let configuration: Configuration
    private let io = BlockingIO(label: "statusrelay.jsonl-sink")
    private let descriptor = Mutex<Int32?>(nil)
    private let logger: Logger

    public init(path: String, configuration: Configuration = Configuration(), logger: Logger) {
        self.path = path
        self.configuration = configuration
        self.logger = logger
    }

    public func start() async throws {
        guard descriptor.withLock({ $0 == nil }) else { return }
        let path = self.path
        let fd = try await io.run { () throws -> Int32 in
            let directory = (path as NSString).deletingLastPathComponent
            if !directory.isEmpty {
                try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            }
            let fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
            guard fd >= 0 else {
                throw SinkError(
                    code: .unavailable, sink: "jsonl", message: "cannot open \(path): errno \(errno)", isRetriable: false
                )
            }
            return fd
        }
        descriptor.withLock { $0 = fd }
        logger.info("JSONL sink ready", metadata: ["path": "\(path)"])
    }

    public func write(_ batch: [ReleasedEvent]) async throws {
        guard !batch.isEmpty else { return }
        guard let fd = descriptor.withLock({ $0 }) else {
            throw SinkError(code: .notStarted, sink: name, message: "write before start")
        }
        let bytes = LineWriter.lines(batch)
        let sync = configuration.fsync
        try await io.run {
            try LineWriter.writeAll(bytes, to: fd, sink: "jsonl")
            if sync, fsync(fd) != 0 {
                throw SinkError(code: .writeFailed, sink: "jsonl", message: "fsync failed: errno \(errno)", isRetriable: true)
            }
        }
    }

    public func shutdown() async throws {
        guard let fd = descriptor.withLock({ state in defer { state = nil }; return state }) else { return }
        try await io.run {
            _ = fsync(fd)
            _ = close(fd)
        }
    }
}
