import Foundation
package import Logging
import StatusRelayCore
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
package final class JSONLinesSink: EventSink {
    package struct Configuration: Sendable {
        /// fsync after every batch. Default true. Env `STATUSRELAY_JSONL_FSYNC`.
        package var fsync: Bool = true

        package init() {}
    }

    package let name = "jsonl"
    /// Writes each record's JSON; reads only the summary.
    package var readsEvents: Bool { false }
    package let path: String
    private let configuration: Configuration
    private let io = BlockingIO(label: "statusrelay.jsonl-sink")
    private let descriptor = Mutex<Int32?>(nil)
    /// Work: the bytes still to append (possibly none, when only fsync failed), then fsync.
    private let writes = OverlappedWrites<[UInt8]>()
    /// Buffers of written batches, rendered into again: a fresh buffer of a few MB costs a page
    /// fault per 4 KB once the allocator has returned the last one's pages to the system.
    private let spareBuffers = Mutex<[[UInt8]]>([])
    private let logger: Logger

    package init(path: String, configuration: Configuration = Configuration(), logger: Logger) {
        self.path = path
        self.configuration = configuration
        self.logger = logger
    }

    /// Appends `bytes` and fsyncs (on the I/O queue); returns what is left to do and why on failure.
    private func append(_ bytes: [UInt8]) async -> (left: [UInt8], error: SinkError)? {
        guard let fd = descriptor.withLock({ $0 }) else {
            return (bytes, SinkError(code: .notStarted, sink: "jsonl", message: "write after shutdown"))
        }
        let sync = configuration.fsync
        return await io.outcome {
            let (end, writeError) = LineWriter.write(bytes, from: 0, to: fd)
            if let writeError {
                let error = SinkError(code: .writeFailed, sink: "jsonl", message: "write failed: errno \(writeError)", isRetriable: true)
                return (Array(bytes[end...]), error)
            }
            if sync, fsync(fd) != 0 {
                return ([], SinkError(code: .writeFailed, sink: "jsonl", message: "fsync failed: errno \(errno)", isRetriable: true))
            }
            self.recycle(bytes)
            return nil
        }
    }

    /// Keeps at most two buffers: one being written while the next batch renders into the other.
    /// Emptied only when taken: by then the write that used it no longer holds a reference, so the
    /// buffer is unique and keeps its pages.
    private func recycle(_ buffer: [UInt8]) {
        spareBuffers.withLock { spares in
            if spares.count < 2 { spares.append(buffer) }
        }
    }

    package func start() async throws {
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

    package func write(_ batch: [ReleasedEvent]) async throws {
        guard !batch.isEmpty else { return }
        guard descriptor.withLock({ $0 }) != nil else {
            throw SinkError(code: .notStarted, sink: name, message: "write before start")
        }
        var bytes = spareBuffers.withLock { $0.popLast() } ?? []
        bytes.removeAll(keepingCapacity: true)
        LineWriter.appendLines(batch, to: &bytes)
        try await writes.settle(using: append)
        writes.start(bytes, using: append)
    }

    package func flush() async throws {
        try await writes.settle(using: append)
    }

    package func shutdown() async throws {
        guard let fd = descriptor.withLock({ $0 }) else { return }
        do {
            try await writes.settle(using: append)
        } catch {
            // Not committed: the partition's next reader writes these events again.
            logger.warning("JSONL sink closed with unwritten events", metadata: ["error": "\(error)"])
        }
        descriptor.withLock { $0 = nil }
        await io.outcome {
            _ = fsync(fd)
            _ = close(fd)
        }
    }
}
