import Dispatch
import Foundation
package import Logging
import StatusRelayCore
import Synchronization

/// A durable, bounded, append-only local queue of Kafka messages: the fallback that lets the
/// ingress answer 200 when Kafka is down or slow.
///
/// Records go into segment files (`segment-<seq>.spool`, 8-byte magic, then `SpoolFrame`s).
/// Appends are group-committed: concurrent appends share one write + `fdatasync`, and each
/// `append` returns only after the sync that covers it. A single drainer reads records in
/// order and acknowledges them; a segment file is deleted only once every record in it has
/// been acknowledged. All file I/O runs on two dedicated dispatch queues, never on the
/// cooperative pool.
package final class Spool: Sendable {
    static let magic: [UInt8] = Array("SRSPOOL1".utf8)
    static let segmentHeaderSize = 8

    struct Segment {
        var sequence: UInt64
        var path: String
        /// Durable size (header included).
        var size: Int
        var sealed: Bool
    }

    struct Pending {
        var frame: [UInt8]
        var timestampMs: Int64
        var continuation: CheckedContinuation<Void, any Error>
    }

    struct State {
        var segments: [Segment] = []
        var activeFile: SpoolFile?
        var nextSequence: UInt64 = 1
        var pending: [Pending] = []
        var reservedBytes = 0
        var writerScheduled = false
        var diskBytes = 0
        var records = 0
        var cursor = Position(sequence: 1, offset: Spool.segmentHeaderSize)
        var headTimestampMs: Int64?
        var closed = false
        var failure: SpoolError?
    }

    package let configuration: Configuration
    private let logger: Logger
    private let state: Mutex<State>
    private let writeQueue = DispatchQueue(label: "statusrelay.spool.write")
    private let readQueue = DispatchQueue(label: "statusrelay.spool.read")
    private let lockFile: SpoolFile
    private let wakeup: AsyncStream<Void>.Continuation
    /// Test seam: runs on the write queue after a group's callers were resumed (nil in production).
    private let afterGroupCommit: (@Sendable () -> Void)?
    /// Yields after each durable append; the drainer waits on it when the spool is empty.
    let wakeups: AsyncStream<Void>

    private init(
        configuration: Configuration, logger: Logger, recovered: State, lockFile: SpoolFile, afterGroupCommit: (@Sendable () -> Void)?
    ) {
        self.configuration = configuration
        self.afterGroupCommit = afterGroupCommit
        self.logger = logger
        self.state = Mutex(recovered)
        self.lockFile = lockFile
        (self.wakeups, self.wakeup) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    /// Opens the spool directory, recovering existing segments (a torn tail record is truncated
    /// with a warning). Runs the blocking scan off the cooperative pool.
    package static func open(configuration: Configuration, logger: Logger) async throws -> Spool {
        try await open(configuration: configuration, logger: logger, afterGroupCommit: nil)
    }

    static func open(configuration: Configuration, logger: Logger, afterGroupCommit: (@Sendable () -> Void)?) async throws -> Spool {
        try await BlockingIO(label: "statusrelay.spool.recovery").run {
            let (state, lockFile) = try SpoolRecovery(configuration: configuration, logger: logger).run()
            return Spool(configuration: configuration, logger: logger, recovered: state, lockFile: lockFile, afterGroupCommit: afterGroupCommit)
        }
    }

    // MARK: Appending

    /// Appends a record and returns once it is durable on disk.
    /// Throws `.full` when the size bound would be exceeded, `.io` on a disk error.
    package func append(_ record: SpoolRecord) async throws(SpoolError) {
        guard record.encodedSizeEstimate <= configuration.maxRecordBytes else {
            throw SpoolError(code: .recordTooLarge, message: "record of \(record.encodedSizeEstimate) bytes exceeds the spool record limit")
        }
        var payload: [UInt8] = []
        payload.reserveCapacity(record.encodedSizeEstimate)
        record.encode(into: &payload)
        var frame: [UInt8] = []
        frame.reserveCapacity(payload.count + SpoolFrame.headerSize)
        SpoolFrame.append(payload: payload, to: &frame)
        let bound = configuration.maxBytes
        do {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                enum Action { case fail(SpoolError), startWriter, none }
                let action: Action = state.withLock { state in
                    if state.closed { return .fail(SpoolError(code: .closed, message: "spool is closed")) }
                    if let failure = state.failure { return .fail(failure) }
                    guard state.diskBytes + state.reservedBytes + frame.count <= bound else {
                        return .fail(SpoolError(code: .full, message: "spool is full (\(bound) bytes)"))
                    }
                    state.reservedBytes += frame.count
                    state.pending.append(Pending(frame: frame, timestampMs: record.timestampMs, continuation: continuation))
                    if state.writerScheduled { return .none }
                    state.writerScheduled = true
                    return .startWriter
                }
                switch action {
                case .fail(let error): continuation.resume(throwing: error)
                case .startWriter: writeQueue.async { self.writeLoop() }
                case .none: break
                }
            }
        } catch let error as SpoolError {
            throw error
        } catch {
            throw SpoolError(code: .io, message: "\(error)", underlying: error)
        }
    }

    /// Runs on `writeQueue`: writes and syncs everything pending as one group, until nothing is.
    private func writeLoop() {
        var batch = state.withLock { Self.takeGroup(&$0) }
        while let group = batch {
            var bytes: [UInt8] = []
            bytes.reserveCapacity(group.reduce(0) { $0 + $1.frame.count })
            for pending in group { bytes.append(contentsOf: pending.frame) }
            let result = Result { () throws(SpoolError) in try writeDurably(bytes) }
            // One step: the reservation becomes disk bytes (or is dropped) and the writer takes the next
            // group or goes idle, all before any caller is resumed and can act on the spool again.
            batch = state.withLock { state in
                state.reservedBytes -= bytes.count
                if case .success = result {
                    state.diskBytes += bytes.count
                    state.records += group.count
                    state.segments[state.segments.count - 1].size += bytes.count
                    if state.headTimestampMs == nil { state.headTimestampMs = group.first?.timestampMs }
                }
                return Self.takeGroup(&state)
            }
            switch result {
            case .success:
                for pending in group { pending.continuation.resume() }
                wakeup.yield()
            case .failure(let error):
                logger.error("spool write failed", metadata: ["error": "\(error)"])
                for pending in group { pending.continuation.resume(throwing: error) }
            }
            afterGroupCommit?()
        }
    }

    /// The appends waiting for the writer, or nil (the writer goes idle) when there are none.
    private static func takeGroup(_ state: inout State) -> [Pending]? {
        if state.pending.isEmpty {
            state.writerScheduled = false
            return nil
        }
        defer { state.pending.removeAll(keepingCapacity: true) }
        return state.pending
    }

    /// Writes `bytes` durably: appended to the active segment, or as the first records of a new segment.
    private func writeDurably(_ bytes: [UInt8]) throws(SpoolError) {
        guard let (file, size) = activeSegment(forAdditional: bytes.count) else {
            try createSegment(with: bytes)
            return
        }
        do throws(SpoolError) {
            try file.writeAll(bytes)
            try file.sync()
        } catch {
            // Roll back a partial write so the segment stays a sequence of whole frames.
            do throws(SpoolError) {
                try file.truncate(to: size)
                try file.sync()
            } catch {
                state.withLock { $0.failure = error }
                logger.critical("spool segment could not be rolled back; spool disabled", metadata: ["error": "\(error)"])
            }
            throw error
        }
    }

    /// The active segment's file and durable size; nil when there is none or `additional` bytes would
    /// overflow it (it is sealed then).
    private func activeSegment(forAdditional additional: Int) -> (SpoolFile, Int)? {
        state.withLock { state in
            guard let file = state.activeFile, let last = state.segments.last, !last.sealed else { return nil }
            if last.size + additional > configuration.segmentBytes {
                state.segments[state.segments.count - 1].sealed = true
                state.activeFile = nil
                file.close()
                return nil
            }
            return (file, last.size)
        }
    }

    /// Starts a segment holding `bytes`: header and records go in one write, so a segment file exists only
    /// with records in it. When the disk is full, a failed attempt leaves no file behind and keeps its
    /// sequence number, however often callbacks retry.
    private func createSegment(with bytes: [UInt8]) throws(SpoolError) {
        let sequence = state.withLock { $0.nextSequence }  // only the write queue changes it
        let path = Self.segmentPath(configuration.directory, sequence)
        // O_TRUNC, not O_EXCL: a file by this name is a leftover of a failed attempt, never a listed segment.
        let file = try SpoolFile.open(path, flags: O_WRONLY | O_CREAT | O_TRUNC | O_APPEND)
        do throws(SpoolError) {
            try file.writeAll(Self.magic + bytes)
            try file.sync()
            try SpoolFile.syncDirectory(configuration.directory)
        } catch {
            file.close()
            unlink(path)
            throw error
        }
        state.withLock { state in
            state.nextSequence = sequence + 1
            // The caller adds `bytes` to the size once the whole group succeeded.
            state.segments.append(Segment(sequence: sequence, path: path, size: Self.segmentHeaderSize, sealed: false))
            state.activeFile = file
            state.diskBytes += Self.segmentHeaderSize
            if state.records == 0, state.segments.count == 1 {
                state.cursor = Position(sequence: sequence, offset: Self.segmentHeaderSize)
            }
        }
        logger.debug("spool segment created", metadata: ["segment": "\(sequence)"])
    }

    static func segmentPath(_ directory: String, _ sequence: UInt64) -> String {
        let digits = String(sequence)
        return "\(directory)/segment-\(String(repeating: "0", count: max(0, 20 - digits.count)))\(digits).spool"
    }

    // MARK: Draining

    /// Reads up to `maxRecords` records from the drain position, in order; nil when nothing
    /// durable is waiting. Does not move the position: call `acknowledge(_:)` after publishing.
    func readBatch(maxRecords: Int, maxBytes: Int = 1 << 20) async throws -> Batch? {
        var deletions: [Segment] = []
        let range: (Segment, Int)? = state.withLock { state in
            let range = Self.readableRange(&state, deletions: &deletions)
            return range
        }
        scheduleDeletion(deletions)
        guard let (segment, from) = range else { return nil }
        let chunk = min(segment.size - from, max(maxBytes, configuration.maxRecordBytes + SpoolFrame.headerSize + 64))
        let maxRecordBytes = configuration.maxRecordBytes + 64
        let batch: Batch = try await withCheckedThrowingContinuation { continuation in
            readQueue.async {
                continuation.resume(with: Result { () throws in
                    let file = try SpoolFile.open(segment.path, flags: O_RDONLY)
                    defer { file.close() }
                    let bytes = try file.read(at: from, count: chunk)
                    var records: [SpoolRecord] = []
                    var offset = 0
                    try bytes.withUnsafeBytes { buffer in
                        scan: while records.count < maxRecords {
                            switch SpoolFrame.scan(buffer, at: offset, maxPayload: maxRecordBytes) {
                            case .record(let payload, let next):
                                guard let record = SpoolRecord.decode(UnsafeRawBufferPointer(rebasing: buffer[payload])) else {
                                    throw SpoolError(code: .io, message: "undecodable record in \(segment.path) at \(from + offset)")
                                }
                                records.append(record)
                                offset = next
                            case .end:
                                break scan
                            case .invalid(let reason):
                                // The chunk may end mid-frame; anything else is corruption after recovery.
                                if records.isEmpty {
                                    throw SpoolError(code: .io, message: "\(reason) in \(segment.path) at \(from + offset)")
                                }
                                break scan
                            }
                        }
                    }
                    return Batch(records: records, end: Position(sequence: segment.sequence, offset: from + offset))
                })
            }
        }
        if let first = batch.records.first {
            state.withLock { $0.headTimestampMs = first.timestampMs }
        }
        return batch
    }

    /// Marks every record up to `batch.end` as published; deletes segments that are fully published.
    func acknowledge(_ batch: Batch) {
        var deletions: [Segment] = []
        state.withLock { state in
            state.cursor = batch.end
            state.records -= batch.records.count
            _ = Self.readableRange(&state, deletions: &deletions)
            if state.records == 0 { state.headTimestampMs = nil }
        }
        scheduleDeletion(deletions)
    }

    /// Advances the cursor past fully consumed segments (collecting them for deletion) and
    /// returns the segment and offset to read next, or nil when nothing durable is waiting.
    private static func readableRange(_ state: inout State, deletions: inout [Segment]) -> (Segment, Int)? {
        while let first = state.segments.first {
            if first.sequence < state.cursor.sequence {
                // Consumed entirely (the cursor moved on).
                deletions.append(state.segments.removeFirst())
                state.diskBytes -= first.size
                continue
            }
            if first.sequence > state.cursor.sequence {
                state.cursor = Position(sequence: first.sequence, offset: segmentHeaderSize)
            }
            if state.cursor.offset < first.size { return (first, state.cursor.offset) }
            // Fully consumed: delete it if no more writes can land in it.
            if first.sealed || (state.pending.isEmpty && !state.writerScheduled) {
                if !first.sealed {
                    state.activeFile?.close()
                    state.activeFile = nil
                }
                deletions.append(state.segments.removeFirst())
                state.diskBytes -= first.size
                state.cursor = Position(sequence: first.sequence + 1, offset: segmentHeaderSize)
                continue
            }
            return nil
        }
        return nil
    }

    private func scheduleDeletion(_ segments: [Segment]) {
        guard !segments.isEmpty else { return }
        // On the write queue so a deletion never races segment creation in the same directory.
        writeQueue.async { [logger] in
            for segment in segments {
                if unlink(segment.path) != 0, errno != ENOENT {
                    logger.warning("could not delete drained spool segment", metadata: ["path": "\(segment.path)"])
                } else {
                    logger.debug("spool segment drained and deleted", metadata: ["segment": "\(segment.sequence)"])
                }
            }
        }
    }

    // MARK: Status

    package var statistics: Statistics {
        state.withLock { state in
            Statistics(
                records: state.records,
                bytes: state.diskBytes,
                oldestTimestampMs: state.records > 0 ? state.headTimestampMs : nil,
                freeBytes: max(0, configuration.maxBytes - state.diskBytes - state.reservedBytes)
            )
        }
    }

    /// True when a typical record would still fit and the spool has not failed.
    package var hasRoom: Bool {
        state.withLock { state in
            !state.closed && state.failure == nil
                && state.diskBytes + state.reservedBytes + 64 * 1024 <= configuration.maxBytes
        }
    }

    /// Stops accepting appends (pending ones still complete), and closes files after the writer finishes.
    package func close() async {
        state.withLock { $0.closed = true }
        wakeup.finish()
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            writeQueue.async {
                self.state.withLock { state in
                    state.activeFile?.close()
                    state.activeFile = nil
                    if let last = state.segments.indices.last { state.segments[last].sealed = true }
                }
                self.lockFile.close()
                continuation.resume()
            }
        }
    }
}
