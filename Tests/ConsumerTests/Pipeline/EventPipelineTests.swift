import Kafka
import StatusEvents
import Testing

@testable import Consumer

/// The pipeline's ordering rules with a fake source, checkpointer and sink (issue 18): no broker,
/// because what is tested is the order of the pipeline's own calls. Wiring is tested end to end.
@Suite struct EventPipelineTests {
    static let base: Int64 = 1_700_000_000_000

    static func lifecycle(_ sid: String, at time: Int64) -> [StatusEvent] {
        [TestEvents.make(sid: sid, status: "queued", at: time), TestEvents.make(sid: sid, status: "sent", at: time + 10),
         TestEvents.make(sid: sid, status: "delivered", at: time + 20)]
    }

    /// Sends `messages`, then the end of input, and runs the pipeline to its end.
    static func run(_ pipeline: EventPipeline, _ batches: [[KafkaConsumerMessage]], events: [PipelineEvent] = []) async throws -> PipelineSummary {
        async let summary = pipeline.run()
        for batch in batches { #expect(await pipeline.send(batch)) }
        for event in events { await pipeline.send(event) }
        await pipeline.send(.endOfInput)
        pipeline.finish()
        return try await summary
    }

    @Test("A checkpoint follows the sink write and flush: states, then the offset commit")
    func checkpointOrder() async throws {
        let journal = PipelineJournal()
        let source = FakeRecordSource(journal: journal, assigned: [0])
        let sink = FakeSink(journal: journal)
        let pipeline = PipelineHarness.pipeline(journal: journal, source: source, sink: sink)
        let records = Self.lifecycle("SM1", at: Self.base).enumerated().map {
            PipelineHarness.message($0.element, partition: 0, offset: Int64($0.offset))
        }
        let summary = try await Self.run(pipeline, [records])
        #expect(summary.released == 3)
        #expect(sink.events.map(\.summary.status) == ["queued", "sent", "delivered"])
        let entries = journal.all
        #expect(entries.first == "restore [0]")
        let write = try #require(journal.index(of: "write 0:"))
        let flush = try #require(journal.index(of: "flush"))
        let states = try #require(journal.index(of: "states 1"))
        let commit = try #require(entries.firstIndex(of: "commit 0:3"))
        #expect(write < flush && flush < states && states < commit, "\(entries)")
    }

    @Test("A failing sink pauses the source, is retried until it accepts, then resumes; nothing commits before")
    func retryPausesAndResumes() async throws {
        let journal = PipelineJournal()
        let source = FakeRecordSource(journal: journal, assigned: [0])
        let sink = FakeSink(journal: journal, failures: 3)
        let pipeline = PipelineHarness.pipeline(journal: journal, source: source, sink: sink)
        let records = Self.lifecycle("SM1", at: Self.base).enumerated().map {
            PipelineHarness.message($0.element, partition: 0, offset: Int64($0.offset))
        }
        _ = try await Self.run(pipeline, [records])
        let entries = journal.all
        #expect(entries.filter { $0 == "write failed" }.count == 3)
        #expect(entries.filter { $0.hasPrefix("pause") } == ["pause [0]"])
        let pause = try #require(entries.firstIndex(of: "pause [0]"))
        let unhealthy = try #require(entries.firstIndex(of: "healthy false"))
        let written = try #require(journal.index(of: "write 0:"))
        let healthy = try #require(entries.firstIndex(of: "healthy true"))
        let resume = try #require(entries.firstIndex(of: "resume [0]"))
        let commit = try #require(journal.index(of: "commit"))
        #expect(unhealthy < written && pause < written && written < healthy && written < resume && resume < commit, "\(entries)")
        // Accepted once, in order.
        #expect(sink.events.map(\.offset) == [0, 1, 2])
    }

    @Test("A revoked partition's buffered and queued records are dropped uncommitted; the others go on")
    func revokeDropsBufferedWork() async throws {
        let journal = PipelineJournal()
        let source = FakeRecordSource(journal: journal, assigned: [0, 1])
        let sink = FakeSink(journal: journal)
        // A window no event time passes: everything stays buffered until the revoke.
        let pipeline = PipelineHarness.pipeline(journal: journal, source: source, sink: sink, window: .seconds(3600))
        let first = Self.lifecycle("SM0", at: Self.base).enumerated().map {
            PipelineHarness.message($0.element, partition: 0, offset: Int64($0.offset))
        } + Self.lifecycle("SM1", at: Self.base).enumerated().map {
            PipelineHarness.message($0.element, partition: 1, offset: Int64($0.offset))
        }
        async let summary = pipeline.run()
        #expect(await pipeline.send(first))
        await pipeline.send(.revoked([1]))
        // The consumer's assignment changes once the revoke was handled (it follows the first batch).
        while !journal.all.contains("forget [1]") { try await Task.sleep(for: .milliseconds(1)) }
        source.assigned.withLock { $0 = [0] }
        // Read before the revoke reached the consumer: dropped, its next owner reads it again.
        #expect(await pipeline.send([PipelineHarness.message(TestEvents.make(sid: "SM1", status: "read", at: Self.base + 30), partition: 1, offset: 3)]))
        await pipeline.send(.endOfInput)
        pipeline.finish()
        _ = try await summary
        #expect(sink.events.allSatisfy { $0.partition == 0 })
        #expect(sink.events.count == 3)
        let entries = journal.all
        #expect(entries.contains("forget [1]"))
        #expect(entries.filter { $0.hasPrefix("commit") } == ["commit 0:3"], "\(entries)")
    }
}
