import Kafka
import Logging
import StatusEvents
import Synchronization

@testable import Consumer

/// Stand-ins for the parts of the pipeline a driver supplies, for testing the pipeline's ordering
/// logic (revoke, retry, pause, checkpoint) without a broker. Every call goes into one journal, so
/// tests check the order across the sink, the source and the checkpointer.
final class PipelineJournal: Sendable {
    private let entries = Mutex<[String]>([])

    func append(_ entry: String) { entries.withLock { $0.append(entry) } }
    var all: [String] { entries.withLock { $0 } }
    func index(of prefix: String) -> Int? { all.firstIndex { $0.hasPrefix(prefix) } }
}

final class FakeRecordSource: RecordSource {
    let journal: PipelineJournal
    let assigned: Mutex<Set<Int32>>

    init(journal: PipelineJournal, assigned: Set<Int32>) {
        self.journal = journal
        self.assigned = Mutex(assigned)
    }

    var now: Int64 { 0 }
    var assignedPartitions: Set<Int32> { assigned.withLock { $0 } }
    func fetchedEnds(of partitions: [Int32]) -> [Int32: Int64] { [:] }
    func pause(_ partitions: [Int32]) throws { journal.append("pause \(partitions.sorted())") }
    func resume(_ partitions: [Int32]) throws { journal.append("resume \(partitions.sorted())") }
}

struct FakeCheckpointer: Checkpointer {
    let journal: PipelineJournal

    func restore(partitions: [Int32]) async throws -> [Int32: [String: MessageState]] {
        journal.append("restore \(partitions.sorted())")
        return [:]
    }

    func write(_ states: [Int32: [String: MessageState]], deleting evictions: [Int32: [String]]) async throws {
        journal.append("states \(states.values.reduce(0) { $0 + $1.count })")
    }

    func commit(_ offsets: [KafkaTopicPartitionOffset]) async throws {
        journal.append("commit " + offsets.map { "\($0.partition):\($0.offset)" }.joined(separator: ","))
    }
}

struct FakeProgress: PipelineProgress {
    let journal: PipelineJournal

    func read(_ next: [Int32: Int64]) {}
    func owned(_ partitions: [Int32]) {}
    func forget(_ partitions: Set<Int32>) { journal.append("forget \(partitions.sorted())") }
    func committed(_ offsets: [Int32: Int64]) {}
    func sinksHealthy(_ healthy: Bool) { journal.append("healthy \(healthy)") }
}

/// A sink that fails its first `failures` writes, then records what it stores.
final class FakeSink: EventSink {
    let name = "fake"
    let journal: PipelineJournal
    private let remainingFailures: Mutex<Int>
    private let stored = Mutex<[ReleasedEvent]>([])

    init(journal: PipelineJournal, failures: Int = 0) {
        self.journal = journal
        self.remainingFailures = Mutex(failures)
    }

    var events: [ReleasedEvent] { stored.withLock { $0 } }

    func start() async throws {}

    func write(_ batch: [ReleasedEvent]) async throws {
        let fail = remainingFailures.withLock { remaining in
            guard remaining > 0 else { return false }
            remaining -= 1
            return true
        }
        if fail {
            journal.append("write failed")
            throw SinkError(code: .unavailable, sink: "fake", message: "down")
        }
        stored.withLock { $0 += batch }
        journal.append("write " + batch.map { "\($0.partition):\($0.offset)" }.joined(separator: ","))
    }

    func flush() async throws { journal.append("flush") }
    func shutdown() async throws {}
}

enum PipelineHarness {
    static let topic = "pipeline-test"

    static func message(_ event: StatusEvent, partition: Int32, offset: Int64, key: String? = nil) -> KafkaConsumerMessage {
        KafkaConsumerMessage(
            topic: topic, partition: partition, offset: offset, key: Array((key ?? event.messageSid).utf8),
            value: StatusEventCodec.encode(event), headers: [], timestampMs: nil
        )
    }

    static func pipeline(
        journal: PipelineJournal, source: FakeRecordSource, sink: FakeSink, window: Duration = .seconds(2)
    ) -> EventPipeline {
        let configuration = ConsumerServiceConfiguration(
            topic: topic, reorder: ReorderConfiguration(window: window), retryInitialBackoff: .milliseconds(1),
            retryMaxBackoff: .milliseconds(2), commitInterval: .seconds(3600)
        )
        return EventPipeline(
            configuration: configuration, sinks: [sink], source: source, checkpointer: FakeCheckpointer(journal: journal),
            progress: FakeProgress(journal: journal), producer: nil, logger: Logger(label: "test.pipeline")
        )
    }
}
