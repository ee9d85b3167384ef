import Kafka
import Testing

/// Headers are kept packed and decoded on read; what goes in must come out, byte for byte.
@Suite struct KafkaConsumerMessageTests {
    @Test func headersRoundTripThroughThePackedForm() {
        let headers = [
            KafkaHeader(key: "ce_id", string: "0123456789abcdef"),
            KafkaHeader(key: "null", value: nil),
            KafkaHeader(key: "empty", value: []),
            KafkaHeader(key: "", value: [0, 255, 0]),
            KafkaHeader(key: "ünïcode ✓", string: "värde 🚀"),
            KafkaHeader(key: "ce_id", string: "repeated"),
            KafkaHeader(key: "big", value: Array(repeating: 7, count: 70_000)),
        ]
        var message = KafkaConsumerMessage(
            topic: "t", partition: 0, offset: 0, key: nil, value: [], headers: headers, timestampMs: nil
        )
        #expect(message.headers == headers)
        message.headers.append(KafkaHeader(key: "added", string: "x"))
        #expect(message.headers == headers + [KafkaHeader(key: "added", string: "x")])
        message.headers = []
        #expect(message.headers.isEmpty)
    }
}
