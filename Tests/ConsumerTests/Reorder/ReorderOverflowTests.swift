import Foundation
import StatusEvents
import Testing

@testable import Consumer

/// Event times, offsets and clocks at and near the ends of `Int64`: a record on the topic may carry
/// any of them, and no arithmetic on them may trap (issue 16 item 5: `receivedAt` of `Int64.min`
/// crashed the consumer in `currentWatermark`, again after every restart).
@Suite struct ReorderOverflowTests {
    static let extremes: [Int64] = [.min, .min + 1, .min / 2, -86_400_000, -1, 0, 1, 1_795_970_444_847, .max / 2, .max - 1, .max]

    static func configurations() -> [ReorderConfiguration] {
        [
            ReorderConfiguration(window: .zero),
            ReorderConfiguration(window: .seconds(3), stateRetention: .seconds(1)),
            ReorderConfiguration(window: .seconds(3), stateRetention: .zero),
            // Settings at the ends too: the longest durations the parser accepts, and beyond.
            ReorderConfiguration(window: .seconds(Int64.max), maxBufferedEvents: 2, stateRetention: .seconds(Int64.max)),
            ReorderConfiguration(window: .milliseconds(1), idleGrace: .seconds(Int64.max), maxEventTimeAhead: .seconds(Int64.max)),
        ]
    }

    @Test(arguments: extremes)
    func extremeEventTimeAfterAnyOtherNeverTraps(first: Int64) {
        for configuration in Self.configurations() {
            for second in Self.extremes {
                var r = PartitionReorderer(topic: "t", partition: 0, configuration: configuration)
                var out: [ReleasedEvent] = []
                r.add(TestEvents.make(sid: "SM1", status: "sent", at: first), offset: 0, now: 0, wallClock: first, into: &out)
                r.add(TestEvents.make(sid: "SM2", status: "delivered", at: second), offset: 1, now: 0, wallClock: 0, into: &out)
                r.add(TestEvents.make(sid: "SM1", status: "queued", at: second), offset: 2, now: .min, wallClock: .max, into: &out)
                r.add(TestEvents.make(sid: "SM2", status: "delivered", at: first), offset: 3, now: .max, wallClock: .min, into: &out)
                _ = r.watermarkDelay
                _ = r.oldestBufferedTime()
                r.advance(now: .min, fetchedEnd: .max, into: &out)
                r.advance(now: .max, fetchedEnd: 4, into: &out)
                r.expireStates()
                r.advance(now: .max, into: &out)
                _ = r.releaseOldest(into: &out)
                // Every event comes out (the duplicate only when its state's retention ran out, which
                // a jump of event time to the end of Int64 does).
                #expect(r.bufferedCount == 0)
                #expect(Set(out.map(\.event.id)) == ["SM1-sent", "SM2-delivered", "SM1-queued"], "\(first) then \(second) with \(configuration)")
                #expect(r.committableOffset() == 4)
            }
        }
    }

    @Test func aMinimalEventTimeIsReleasedAndTheNextEventsStillReorder() {
        // The record, then ordinary traffic: the partition goes on reordering.
        var r = PartitionReorderer(topic: "t", partition: 0, configuration: ReorderConfiguration(window: .seconds(3)))
        var out: [ReleasedEvent] = []
        r.add(TestEvents.make(sid: "SMbad", status: "sent", at: .min), offset: 0, now: 0, into: &out)
        r.advance(now: 10, into: &out)
        r.add(TestEvents.make(sid: "SM1", status: "delivered", at: 1_000_000), offset: 1, now: 20, into: &out)
        r.add(TestEvents.make(sid: "SM1", status: "sent", at: 999_000), offset: 2, now: 30, into: &out)
        r.add(TestEvents.make(sid: "SM2", status: "queued", at: 1_010_000), offset: 3, now: 40, into: &out)
        #expect(out.map(\.event.id) == ["SMbad-sent", "SM1-sent", "SM1-delivered"])
        #expect(out.allSatisfy { !$0.late })
        // Another one amid the traffic is released at once; its state is kept for the retention from
        // the partition's time when it arrived, not from its own absurd time, so its duplicate is dropped.
        r.add(TestEvents.make(sid: "SMold", status: "sent", at: .min), offset: 4, now: 50, into: &out)
        #expect(out.last?.event.id == "SMold-sent")
        r.expireStates()
        #expect(r.states["SMold"] != nil)
        #expect(r.add(TestEvents.make(sid: "SMold", status: "sent", at: .min), offset: 5, now: 60, into: &out) == .duplicate)
    }

    @Test func maximalOffsetsSaturate() {
        var r = PartitionReorderer(topic: "t", partition: 0, configuration: ReorderConfiguration(window: .zero))
        var out: [ReleasedEvent] = []
        r.add(TestEvents.make(sid: "SM1", status: "sent", at: 1), offset: .max, now: 0, into: &out)
        #expect(r.committableOffset() == .max)
        r.advance(now: 1, fetchedEnd: .max, into: &out)
        r.markDone(offset: .max)
        #expect(r.committableOffset() == .max)
    }

    @Test func extremeTimesAcrossPartitionsUnderTheBufferBound() {
        var r = Reorderer(topic: "t", configuration: ReorderConfiguration(window: .seconds(60), maxBufferedEvents: 2))
        var out: [ReleasedEvent] = []
        for (index, time) in Self.extremes.enumerated() {
            r.add(
                TestEvents.make(sid: "SM\(index)", status: "sent", at: time), from: Int32(index % 3), offset: Int64(index),
                now: Int64(index), wallClock: time, into: &out
            )
        }
        r.advance(now: .max, into: &out)
        #expect(out.count == Self.extremes.count)
        #expect(r.bufferedCount == 0)
    }

    @Test(arguments: extremes)
    func stateWithAnExtremeTimeRoundTripsThroughTheChangelogForm(time: Int64) throws {
        var r = PartitionReorderer(topic: "t", partition: 0, configuration: ReorderConfiguration(window: .zero))
        var out: [ReleasedEvent] = []
        r.add(TestEvents.make(sid: "SM1", status: "sent", at: time), offset: 0, now: 0, into: &out)
        let state = try #require(r.takeDirtyStates()["SM1"])
        #expect(state.lastEventTime == time)
        // What KafkaChangelogStateStore writes (compact JSON) and restores (JSONDecoder).
        let encoded = try JSONEncoder().encode(state)
        #expect(try JSONDecoder().decode(MessageState.self, from: encoded) == state)
        // Restored, the state still drops the duplicate and orders what follows.
        var restored = PartitionReorderer(
            topic: "t", partition: 0, configuration: ReorderConfiguration(window: .zero), states: ["SM1": state]
        )
        #expect(restored.add(TestEvents.make(sid: "SM1", status: "sent", at: time), offset: 1, now: 0, into: &out) == .duplicate)
        #expect(restored.add(TestEvents.make(sid: "SM1", status: "queued", at: .max), offset: 2, now: 0, into: &out) == .late)
    }

    @Test(arguments: extremes)
    func recordsWithExtremeTimesDecodeAndEncode(time: Int64) throws {
        let event = TestEvents.make(sid: "SM1", status: "sent", at: time)
        let bytes = StatusEventCodec.encode(event)
        #expect(try StatusEventCodec.decode(bytes).receivedAt == time)
        #expect(try StatusEventCodec.decodeSummary(bytes).receivedAt == time)
        // The Kafka sink's CloudEvents time header renders any of them.
        let headers = CloudEventHeaders.headers(for: event)
        #expect(headers.contains { $0.key == "ce_time" && !$0.value.isEmpty })
        let released = ReleasedEvent(event: event, sequence: 1, late: false, topic: "t", partition: 0, offset: .max)
        let line = ReleasedEventJSON.record(released)
        #expect(try JSONSerialization.jsonObject(with: Data(line)) is [String: Any])
    }

    @Test func outOfRangeTimesAreRejectedAsUndecodable() {
        for text in ["9223372036854775808", "-9223372036854775809", "1e999999", "1.5"] {
            let json = String(decoding: StatusEventCodec.encode(TestEvents.make(sid: "SM1", status: "sent", at: 7)), as: UTF8.self)
                .replacingOccurrences(of: "\"receivedAt\":7", with: "\"receivedAt\":\(text)")
            #expect(throws: (any Error).self, "\(text)") { try StatusEventCodec.decode(Array(json.utf8)) }
        }
    }
}
