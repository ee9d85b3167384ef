import Kafka
import StatusEvents
import Testing

@testable import Consumer

/// What an event costs while the pipeline holds it (issue 21): read-ahead and reorder buffers hold
/// each record's JSON and summary only, even when a sink reads whole events; those are decoded when
/// released events are handed to the writer, so the writer gets them ready.
@Suite struct BufferedEventMemoryTests {
    static let base: Int64 = 1_700_000_000_000

    static func records(_ count: Int) -> [KafkaConsumerMessage] {
        (0..<count).map { index in
            PipelineHarness.message(
                TestEvents.make(sid: "SM\(index)", status: "delivered", at: base + Int64(index)), partition: 0, offset: Int64(index)
            )
        }
    }

    @Test("Records queued for the reorderer hold only their summary although the sink reads whole events")
    func queuedRecordsAreSummaries() async throws {
        let journal = PipelineJournal()
        let sink = FakeSink(journal: journal)
        #expect(sink.readsEvents)
        let pipeline = PipelineHarness.pipeline(journal: journal, source: FakeRecordSource(journal: journal, assigned: [0]), sink: sink)
        #expect(await pipeline.send(Self.records(300)))
        guard case .records(let decoded) = await pipeline.inputs.next() else {
            Issue.record("no records queued")
            return
        }
        #expect(decoded.count == 300)
        for record in decoded {
            guard case .event(let box) = record.content else {
                Issue.record("record \(record.offset) did not decode")
                continue
            }
            #expect(!box.isDecoded, "record \(record.offset) holds its whole event")
        }
    }

    @Test("A sink that reads whole events receives them decoded, in order")
    func handedOverBatchesAreDecoded() async throws {
        let journal = PipelineJournal()
        let sink = FakeSink(journal: journal)
        let pipeline = PipelineHarness.pipeline(journal: journal, source: FakeRecordSource(journal: journal, assigned: [0]), sink: sink)
        async let summary = pipeline.run()
        #expect(await pipeline.send(Self.records(300)))
        await pipeline.send(.endOfInput)
        pipeline.finish()
        #expect(try await summary.released == 300)
        // Stored as written: decoded before the writer got them (the sink itself reads nothing).
        #expect(sink.events.filter { !$0.isMaterialized }.isEmpty)
        #expect(sink.events.map(\.offset) == (0..<300).map(Int64.init))
        #expect(sink.events.map(\.event.messageSid) == (0..<300).map { "SM\($0)" })
    }
}
