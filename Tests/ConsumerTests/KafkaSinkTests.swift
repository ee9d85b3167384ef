import Foundation
import Kafka
import Logging
import StatusEvents
import Testing
import TestSupport

@testable import Consumer

@Suite("Kafka sink")
struct KafkaSinkTests {
    @Test func republishesOrderedStreamWithSequenceAndLate() async throws {
        let topic = TestEnvironment.uniqueName("republish")
        // The sink creates its topic at start through the admin client.
        let admin = try KafkaAdminClient(bootstrapServers: try TestEnvironment.bootstrapServers, logger: TestKafka.logger())
        let messages = (0..<12).map { _ in SinkTestFixtures.messageSid() }
        var batch: [ReleasedEvent] = []
        for (index, sid) in messages.enumerated() {
            batch += SinkTestFixtures.released(sid, ["queued", "sent", "delivered"], partition: Int32(index % 2), firstOffset: Int64(index * 10))
        }
        var late = SinkTestFixtures.released(messages[0], ["sent"], firstSequence: 4, late: true)[0]
        late.event.id = "late-\(messages[0])"
        batch.append(late)
        let written = batch

        try await SinkKafkaTestSupport.withProducer { producer in
            var configuration = SinkFactory.Configuration(kafkaProducer: producer, kafkaAdmin: admin)
            configuration.kafka.partitions = 3
            let sink = try SinkFactory.makeSink(url: "kafka:\(topic)", configuration: configuration, logger: Logger(label: "test"))
            try await sink.start()
            try await sink.write(written)
            try await sink.shutdown()
        }

        let records = try await SinkKafkaTestSupport.readRecords(topic: topic, partitions: 3, count: batch.count)
        #expect(records.count == batch.count)
        let byKey = Dictionary(grouping: records) { String(decoding: $0.key ?? [], as: UTF8.self) }
        #expect(Set(byKey.keys) == Set(messages))
        for sid in messages {
            let sorted = (byKey[sid] ?? []).sorted { $0.offset < $1.offset }
            #expect(Set(sorted.map(\.partition)).count == 1, "one message, one partition")
            let expected = batch.filter { $0.event.messageSid == sid }
            #expect(sorted.map { SinkKafkaTestSupport.header($0, "statusrelay-sequence") } == expected.map { String($0.sequence) })
            #expect(sorted.map { SinkKafkaTestSupport.header($0, "statusrelay-late") } == expected.map { String($0.late) })
            #expect(sorted.map { SinkKafkaTestSupport.header($0, "ce_id") } == expected.map(\.event.id))
            for (record, released) in zip(sorted, expected) {
                #expect(SinkKafkaTestSupport.header(record, "ce_subject") == sid)
                #expect(SinkKafkaTestSupport.header(record, "ce_specversion") == "1.0")
                let object = try #require(try JSONSerialization.jsonObject(with: Data(record.value)) as? [String: Any])
                #expect(object["sequence"] as? Int == released.sequence)
                #expect(object["late"] as? Bool == released.late)
                #expect(object["status"] as? String == released.event.status)
                #expect(object["partition"] as? Int == Int(released.partition))
            }
        }
    }
}
