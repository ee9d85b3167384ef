import StatusEvents
import Testing

@Suite struct CloudEventHeadersTests {
    @Test func binaryModeHeaders() throws {
        let event = try StatusCallbackNormalizer(nodeId: "edge-1").normalize(
            FormParameters([
                ("MessageSid", "SM0123456789abcdef0123456789abcdef"), ("AccountSid", "AC0123456789abcdef0123456789abcdef"),
                ("MessageStatus", "sent"),
            ]),
            receivedAt: 1_764_423_605_123
        )
        let headers = CloudEventHeaders.headers(for: event)
        let map = Dictionary(uniqueKeysWithValues: headers.map { ($0.key, $0.value) })
        #expect(headers.count == map.count)
        #expect(map["ce_specversion"] == "1.0")
        #expect(map["ce_id"] == event.id)
        #expect(map["ce_source"] == "/statusrelay/status-callback")
        #expect(map["ce_type"] == "io.statusrelay.message.status.v1")
        #expect(map["ce_time"] == "2025-11-29T13:40:05.123Z")
        #expect(map["ce_subject"] == "SM0123456789abcdef0123456789abcdef")
        #expect(map["content-type"] == "application/json")
        // Required attributes per the CloudEvents Kafka binding.
        for key in ["ce_specversion", "ce_id", "ce_source", "ce_type"] { #expect(map[key]?.isEmpty == false) }
    }

    @Test(arguments: [
        (Int64(0), "1970-01-01T00:00:00.000Z"), (Int64(951_782_400_000), "2000-02-29T00:00:00.000Z"),
        (Int64(1_709_251_199_999), "2024-02-29T23:59:59.999Z"), (Int64(-1), "1969-12-31T23:59:59.999Z"),
        (Int64(4_102_444_800_000), "2100-01-01T00:00:00.000Z"),
    ])
    func timeFormatting(milliseconds: Int64, expected: String) throws {
        var event = StatusEvent(id: "x", messageSid: "SM", accountSid: "AC", status: "sent", statusRank: 40, receivedAt: milliseconds)
        event.source = .eventStreams
        let map = Dictionary(uniqueKeysWithValues: CloudEventHeaders.headers(for: event).map { ($0.key, $0.value) })
        #expect(map["ce_time"] == expected)
        #expect(map["ce_source"] == "/statusrelay/event-streams")
    }
}
