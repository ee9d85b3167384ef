import Foundation
import Logging
import Testing

@testable import Ingress

@Suite struct SpoolTests {
    static let logger = Logger(label: "spool-test")

    static func temporaryDirectory() -> String {
        let base = ProcessInfo.processInfo.environment["STATUSRELAY_TEST_STATE_DIR"] ?? NSTemporaryDirectory()
        let path = "\(base)/spool-test-\(UUID().uuidString)"
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    static func record(_ index: Int, size: Int = 100) -> SpoolRecord {
        SpoolRecord(
            topic: "t",
            key: Array("SM\(index)".utf8),
            value: Array(repeating: UInt8(truncatingIfNeeded: index), count: size),
            headers: [.init(key: "ce_id", value: Array("id-\(index)".utf8)), .init(key: "none", value: nil)],
            timestampMs: 1_700_000_000_000 + Int64(index)
        )
    }

    static func segmentFiles(_ directory: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).filter { $0.hasSuffix(".spool") }.sorted()
    }

    static func drainAll(_ spool: Spool) async throws -> [SpoolRecord] {
        var all: [SpoolRecord] = []
        while let batch = try await spool.readBatch(maxRecords: 1000), !batch.records.isEmpty {
            all += batch.records
            spool.acknowledge(batch)
        }
        return all
    }

    @Test func recordEncodingRoundTrips() {
        var bytes: [UInt8] = []
        let record = Self.record(42)
        record.encode(into: &bytes)
        let decoded = bytes.withUnsafeBytes { SpoolRecord.decode($0) }
        #expect(decoded == record)
        #expect(bytes.count <= record.encodedSizeEstimate)
        // Every truncation is rejected.
        for cut in 0..<bytes.count {
            #expect(Array(bytes[0..<cut]).withUnsafeBytes { SpoolRecord.decode($0) } == nil)
        }
    }

    @Test func framingDetectsCorruption() {
        var frame: [UInt8] = []
        SpoolFrame.append(payload: Array("hello".utf8), to: &frame)
        frame.withUnsafeBytes { buffer in
            guard case .record(let payload, let next) = SpoolFrame.scan(buffer, at: 0, maxPayload: 100) else {
                Issue.record("valid frame not accepted")
                return
            }
            #expect(payload == 8..<13)
            #expect(next == 13)
        }
        for index in frame.indices {
            var corrupt = frame
            corrupt[index] ^= 0x40
            corrupt.withUnsafeBytes { buffer in
                if case .record = SpoolFrame.scan(buffer, at: 0, maxPayload: 100) {
                    Issue.record("corruption at byte \(index) not detected")
                }
            }
        }
    }

    @Test func appendsAreDurableAcrossReopenInOrder() async throws {
        let directory = Self.temporaryDirectory()
        let spool = try await Spool.open(configuration: .init(directory: directory), logger: Self.logger)
        for index in 0..<50 { try await spool.append(Self.record(index)) }
        #expect(spool.statistics.records == 50)
        #expect(spool.statistics.oldestTimestampMs == 1_700_000_000_000)
        await spool.close()

        let reopened = try await Spool.open(configuration: .init(directory: directory), logger: Self.logger)
        #expect(reopened.statistics.records == 50)
        let drained = try await Self.drainAll(reopened)
        #expect(drained == (0..<50).map { Self.record($0) })
        #expect(reopened.statistics.records == 0)
        #expect(reopened.statistics.oldestTimestampMs == nil)
        await reopened.close()
    }

    @Test func concurrentAppendsShareSyncsAndAllLand() async throws {
        let directory = Self.temporaryDirectory()
        let spool = try await Spool.open(configuration: .init(directory: directory), logger: Self.logger)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<500 { group.addTask { try await spool.append(Self.record(index)) } }
            try await group.waitForAll()
        }
        let drained = try await Self.drainAll(spool)
        #expect(Set(drained.map(\.key)) == Set((0..<500).map { Self.record($0).key }))
        #expect(drained.count == 500)
        await spool.close()
    }

    @Test func tornTailIsTruncatedOnRecovery() async throws {
        let directory = Self.temporaryDirectory()
        let spool = try await Spool.open(configuration: .init(directory: directory), logger: Self.logger)
        for index in 0..<3 { try await spool.append(Self.record(index)) }
        await spool.close()
        let path = "\(directory)/\(try #require(Self.segmentFiles(directory).last))"
        let goodSize = try #require(try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int)

        // A crash mid-write: half of a fourth frame.
        var frame: [UInt8] = []
        var payload: [UInt8] = []
        Self.record(3).encode(into: &payload)
        SpoolFrame.append(payload: payload, to: &frame)
        let handle = try #require(FileHandle(forWritingAtPath: path))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(frame.prefix(frame.count / 2)))
        try handle.close()

        let reopened = try await Spool.open(configuration: .init(directory: directory), logger: Self.logger)
        #expect(reopened.statistics.records == 3)
        let size = try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int
        #expect(size == goodSize)
        #expect(try await Self.drainAll(reopened) == (0..<3).map { Self.record($0) })
        await reopened.close()
    }

    @Test func corruptLastRecordIsDropped() async throws {
        let directory = Self.temporaryDirectory()
        let spool = try await Spool.open(configuration: .init(directory: directory), logger: Self.logger)
        for index in 0..<3 { try await spool.append(Self.record(index)) }
        await spool.close()
        let path = "\(directory)/\(try #require(Self.segmentFiles(directory).last))"
        var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        bytes[bytes.count - 5] ^= 0xFF
        try Data(bytes).write(to: URL(fileURLWithPath: path))

        let reopened = try await Spool.open(configuration: .init(directory: directory), logger: Self.logger)
        #expect(reopened.statistics.records == 2)
        #expect(try await Self.drainAll(reopened) == (0..<2).map { Self.record($0) })
        await reopened.close()
    }

    @Test func sizeBoundRejectsWhenFull() async throws {
        let directory = Self.temporaryDirectory()
        var frame: [UInt8] = []
        var payload: [UInt8] = []
        Self.record(0).encode(into: &payload)
        SpoolFrame.append(payload: payload, to: &frame)
        let bound = Spool.segmentHeaderSize + 3 * frame.count
        let spool = try await Spool.open(configuration: .init(directory: directory, maxBytes: bound), logger: Self.logger)
        for index in 0..<3 { try await spool.append(Self.record(index)) }
        await #expect(throws: SpoolError.self) { try await spool.append(Self.record(3)) }
        do {
            try await spool.append(Self.record(3))
        } catch {
            #expect(error.code == .full)
        }
        #expect(!spool.hasRoom)
        // Draining frees the space again.
        _ = try await Self.drainAll(spool)
        try await spool.append(Self.record(4))
        #expect(spool.statistics.records == 1)
        await spool.close()
    }

    /// The space of drained records is free as soon as the append that filled the spool has returned:
    /// the writer is held right after resuming that append's caller (the window in which it used to still
    /// count itself as busy, so the drain kept the full segment and the next append got `spool_full`).
    @Test func drainRightAfterTheLastAppendFreesTheSpace() async throws {
        var frame: [UInt8] = []
        var payload: [UInt8] = []
        Self.record(0).encode(into: &payload)
        SpoolFrame.append(payload: payload, to: &frame)
        let bound = Spool.segmentHeaderSize + 3 * frame.count
        let writerHeld = DispatchSemaphore(value: 0)
        let spool = try await Spool.open(
            configuration: .init(directory: Self.temporaryDirectory(), maxBytes: bound), logger: Self.logger,
            afterGroupCommit: { writerHeld.wait() }
        )
        for index in 0..<3 {
            try await spool.append(Self.record(index))
            if index < 2 { writerHeld.signal() }  // hold the writer only after the last append
        }
        #expect(try await Self.drainAll(spool).count == 3)
        #expect(spool.statistics.bytes == 0)
        #expect(spool.statistics.freeBytes == bound)
        writerHeld.signal()
        try await spool.append(Self.record(3))
        writerHeld.signal()
        #expect(spool.statistics.records == 1)
        await spool.close()
    }

    @Test func segmentsRotateAndAreDeletedOnlyAfterAcknowledgement() async throws {
        let directory = Self.temporaryDirectory()
        // ~2 records per segment.
        let spool = try await Spool.open(configuration: .init(directory: directory, segmentBytes: 300), logger: Self.logger)
        for index in 0..<10 { try await spool.append(Self.record(index)) }
        let before = Self.segmentFiles(directory)
        #expect(before.count >= 4)

        // Read without acknowledging: nothing is deleted.
        let unacked = try #require(try await spool.readBatch(maxRecords: 3))
        #expect(unacked.records.count >= 1)
        #expect(Self.segmentFiles(directory) == before)

        // Acknowledge only the first segment's records (a batch never crosses a segment).
        spool.acknowledge(unacked)
        let next = try #require(try await spool.readBatch(maxRecords: 1))
        try await Task.sleep(for: .milliseconds(100))  // deletion runs on the spool's queue
        let after = Self.segmentFiles(directory)
        #expect(after.count == before.count - 1)
        #expect(after.first == before[1])

        // Drain everything: every segment file goes, the active one included.
        var rest = next.records
        spool.acknowledge(next)
        rest += try await Self.drainAll(spool)
        #expect(unacked.records + rest == (0..<10).map { Self.record($0) })
        try await Task.sleep(for: .milliseconds(100))
        #expect(Self.segmentFiles(directory).isEmpty)
        #expect(spool.statistics.bytes == 0)

        // And it keeps working afterwards.
        try await spool.append(Self.record(99))
        #expect(try await Self.drainAll(spool) == [Self.record(99)])
        await spool.close()
    }

    /// Disk full while a new segment starts (its name points at /dev/full, where every write fails with
    /// ENOSPC): each failed append leaves no file behind and burns no sequence number; records already
    /// stored stay readable, and the next append that fits takes the same segment name.
    @Test func diskFullWhileStartingASegmentLeavesNoFilesBehind() async throws {
        let directory = Self.temporaryDirectory()
        let spool = try await Spool.open(configuration: .init(directory: directory, segmentBytes: 200), logger: Self.logger)
        try await spool.append(Self.record(0))
        #expect(Self.segmentFiles(directory) == ["segment-00000000000000000001.spool"])
        // The next record does not fit in segment 1, so it starts segment 2.
        let next = Spool.segmentPath(directory, 2)
        for attempt in 1...5 {
            try FileManager.default.createSymbolicLink(atPath: next, withDestinationPath: "/dev/full")
            await #expect {
                try await spool.append(Self.record(attempt))
            } throws: { ($0 as? SpoolError)?.code == .io }
            #expect(Self.segmentFiles(directory) == ["segment-00000000000000000001.spool"], "after failed append \(attempt)")
        }
        #expect(spool.statistics.records == 1)
        try await spool.append(Self.record(6))
        #expect(Self.segmentFiles(directory) == ["segment-00000000000000000001.spool", "segment-00000000000000000002.spool"])
        let drained = try await Self.drainAll(spool)
        #expect(drained.map(\.key) == [Self.record(0).key, Self.record(6).key])
        await spool.close()
    }

    @Test func secondProcessCannotOpenTheSameDirectory() async throws {
        let directory = Self.temporaryDirectory()
        let spool = try await Spool.open(configuration: .init(directory: directory), logger: Self.logger)
        await #expect(throws: SpoolError.self) { _ = try await Spool.open(configuration: .init(directory: directory), logger: Self.logger) }
        await spool.close()
    }
}
