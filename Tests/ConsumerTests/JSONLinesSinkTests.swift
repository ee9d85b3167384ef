import Foundation
import Logging
import Testing
import TestSupport

@testable import Consumer

@Suite("JSON lines sink")
struct JSONLinesSinkTests {
    @Test func appendsOneObjectPerLineInReleaseOrder() async throws {
        let path = (try TestEnvironment.makeTemporaryDirectory("jsonl-sink") as NSString).appendingPathComponent("out/events.jsonl")
        let m1 = SinkTestFixtures.messageSid()
        let m2 = SinkTestFixtures.messageSid()
        let a = SinkTestFixtures.released(m1, ["queued", "sent", "delivered"])
        let b = SinkTestFixtures.released(m2, ["queued", "sent"], partition: 3, firstOffset: 100)
        var late = SinkTestFixtures.released(m1, ["sent"], firstSequence: 4, late: true, firstOffset: 7)[0]
        late.event.id = "late-one"

        let sink = try SinkFactory.makeSink(url: "jsonl:\(path)", configuration: .init(), logger: Logger(label: "test"))
        try await sink.start()
        try await sink.write([a[0], b[0], a[1], b[1], a[2]])
        try await sink.shutdown()
        // Appends across restarts.
        let again = try SinkFactory.makeSink(url: "jsonl://\(path)", configuration: .init(), logger: Logger(label: "test"))
        try await again.start()
        try await again.write([late])
        try await again.shutdown()

        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text.hasSuffix("\n"))
        let objects = try text.split(separator: "\n").map {
            try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
        #expect(objects.count == 6)
        #expect(objects.map { $0["id"] as? String } == [a[0], b[0], a[1], b[1], a[2], late].map(\.event.id))
        let first = objects.filter { $0["messageSid"] as? String == m1 }
        #expect(first.map { $0["sequence"] as? Int } == [1, 2, 3, 4])
        #expect(first.map { $0["late"] as? Bool } == [false, false, false, true])
        #expect(first.map { $0["status"] as? String } == ["queued", "sent", "delivered", "sent"])
        let second = objects.filter { $0["messageSid"] as? String == m2 }
        #expect(second.map { $0["partition"] as? Int } == [3, 3])
        #expect(second.map { $0["offset"] as? Int } == [100, 101])
        #expect(second.allSatisfy { $0["topic"] as? String == "status-events" })
    }

    /// `write` only starts a batch's I/O; `flush` returns once every accepted batch is in the file.
    @Test func flushReturnsOnceEveryAcceptedBatchIsInTheFile() async throws {
        let path = (try TestEnvironment.makeTemporaryDirectory("jsonl-flush") as NSString).appendingPathComponent("events.jsonl")
        let sink = JSONLinesSink(path: path, logger: Logger(label: "test"))
        try await sink.start()
        var expected: [String] = []
        for _ in 0..<20 {
            let batch = (0..<50).flatMap { _ in SinkTestFixtures.released(SinkTestFixtures.messageSid(), ["queued", "sent"]) }
            try await sink.write(batch)
            expected += batch.map(\.event.id)
        }
        try await sink.flush()
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let ids = try text.split(separator: "\n").map {
            try #require((try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])?["id"] as? String)
        }
        #expect(ids == expected)
        try await sink.shutdown()
    }

    /// A device that is always full (`/dev/full`, ENOSPC): the write is accepted, the flush before
    /// the commit fails with the errno, and keeps failing while nothing could be written.
    @Test func flushReportsAFailedWriteAndKeepsTheBytes() async throws {
        let sink = JSONLinesSink(path: "/dev/full", logger: Logger(label: "test"))
        try await sink.start()
        try await sink.write(SinkTestFixtures.released(SinkTestFixtures.messageSid(), ["queued", "sent"]))
        for _ in 0..<2 {
            let error = await #expect(throws: SinkError.self) { try await sink.flush() }
            #expect(error?.code == .writeFailed)
            #expect(error?.message.contains("errno \(ENOSPC)") == true, "\(String(describing: error))")
        }
        // A later batch is not accepted over the unwritten one.
        await #expect(throws: SinkError.self) {
            try await sink.write(SinkTestFixtures.released(SinkTestFixtures.messageSid(), ["queued"]))
        }
        try await sink.shutdown()
    }

    @Test func failsClearlyWhenThePathCannotBeOpened() async throws {
        let directory = try TestEnvironment.makeTemporaryDirectory("jsonl-bad")
        let sink = JSONLinesSink(path: directory, logger: Logger(label: "test"))  // a directory
        await #expect(throws: SinkError.self) { try await sink.start() }
    }
}
