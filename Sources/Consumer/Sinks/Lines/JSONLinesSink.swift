import Foundation
public import Logging
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `jsonl:PATH`: appends one JSON object per line (the event JSON with `sequence`, `late`, `topic`,
/// `partition` and `offset`), and fsyncs once per batch. At least once: after a crash a batch may be
/// appended again, so readers deduplicate on `id`.
///
/// The file I/O of a batch runs on a dedicated dispatch queue while the consumer renders the next
/// batch: `write` waits for the previous batch's I/O, starts its own and returns; `flush`, which the
/// consumer calls before every commit, waits for the last one. Bytes a failed write left behind are
/// written again, from where it stopped, before anything newer.
public final class JSONLinesSink: EventSink {
    public struct Configuration: Sendable {
        /// fsync after every batch. Default true. Env `STATUSRELAY_JSONL_FSYNC`.
        public var fsync: Bool = true

        public init() {}
    }

    /// What the I/O of one batch achieved.
    private enum Outcome: Sendable {
        case done
        /// `remaining` (possibly empty, when only fsync failed) still has to be written and synced.
        case failed(remaining: [UInt8], error: SinkError)
    }

    private struct State {
        var descriptor: Int32?
        var inFlight: Task<Outcome, Never>?
        /// Left by a failed write; non-nil means "write this, then fsync", even when empty.
        var unwritten: [UInt8]?
    }

    public let name = "jsonl"
    public let path: String
    private let configuration: Configuration
    private let io = BlockingIO(label: "statusrelay.jsonl-sink")
    private let state = Mutex(State())
    private let logger: Logger

    public init(path: String, configuration: Configuration = Configuration(), logger: Logger) {
        self.path = path
        self.configuration = configuration
        self.logger = logger
    }

    public func start() async throws {
        guard state.withLock({ $0.descriptor == nil }) else { return }
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
        state.withLock { $0.descriptor = fd }
        logger.info("JSONL sink ready", metadata: ["path": "\(path)"])
    }

    public func write(_ batch: [ReleasedEvent]) async throws {
        guard !batch.isEmpty else { return }
        let fd = try descriptor()
        let bytes = LineWriter.lines(batch)
        try await settle(fd)
        let task = Task { await self.perform(bytes, fd: fd) }
        state.withLock { $0.inFlight = task }
    }

    public func flush() async throws {
        try await settle(try descriptor())
    }

    public func shutdown() async throws {
        guard let fd = state.withLock({ $0.descriptor }) else { return }
        do {
            try await settle(fd)
        } catch {
            // Not committed: the partition's next reader writes these events again.
            logger.warning("JSONL sink closed with unwritten events", metadata: ["error": "\(error)"])
        }
        state.withLock { $0.descriptor = nil }
        await io.outcome {
            _ = fsync(fd)
            _ = close(fd)
        }
    }

    private func descriptor() throws -> Int32 {
        guard let fd = state.withLock({ $0.descriptor }) else {
            throw SinkError(code: .notStarted, sink: name, message: "write before start")
        }
        return fd
    }

    /// Waits for the batch in flight, then writes what a failed write left; throws while that fails.
    private func settle(_ fd: Int32) async throws {
        if let task = state.withLock({ state in defer { state.inFlight = nil }; return state.inFlight }),
            case .failed(let remaining, _) = await task.value
        {
            state.withLock { $0.unwritten = remaining }
        }
        guard let unwritten = state.withLock({ $0.unwritten }) else { return }
        switch await perform(unwritten, fd: fd) {
        case .done:
            state.withLock { $0.unwritten = nil }
        case .failed(let remaining, let error):
            state.withLock { $0.unwritten = remaining }
            throw error
        }
    }

    private func perform(_ bytes: [UInt8], fd: Int32) async -> Outcome {
        let sync = configuration.fsync
        return await io.outcome {
            let (end, writeError) = LineWriter.write(bytes, from: 0, to: fd)
            if let writeError {
                let error = SinkError(code: .writeFailed, sink: "jsonl", message: "write failed: errno \(writeError)", isRetriable: true)
                return .failed(remaining: Array(bytes[end...]), error: error)
            }
            if sync, fsync(fd) != 0 {
                let error = SinkError(code: .writeFailed, sink: "jsonl", message: "fsync failed: errno \(errno)", isRetriable: true)
                return .failed(remaining: [], error: error)
            }
            return .done
        }
    }
}
