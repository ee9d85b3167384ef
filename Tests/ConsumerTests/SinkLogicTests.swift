import Foundation
import Kafka
import Logging
import StatusEvents
import TestSupport
import Testing

@testable import Consumer

@Suite("Sink pure logic")
struct SinkLogicTests {
    // MARK: Current-state guard

    @Test func foldKeepsTheEventTheRuleRanksHighestInAnyOrder() {
        let statuses = ["accepted", "queued", "sending", "sent", "delivered", "undelivered", "failed", "read", "received", "mystery"]
        var generator = SeededGenerator(seed: 17)
        for _ in 0..<500 {
            let sid = "SM1"
            let count = Int.random(in: 1...6, using: &generator)
            var events = (0..<count).map { index in
                ReleasedEvent(
                    // Few distinct times, so ties of rank and time happen.
                    event: SinkTestFixtures.event(sid, statuses.randomElement(using: &generator)!, at: Int64.random(in: 0...2, using: &generator), id: "id\(index)"),
                    sequence: index + 1, late: false, topic: "t", partition: 0, offset: Int64(index)
                )
            }
            let best = events.max { CurrentStatusRule.key(of: $0.event) < CurrentStatusRule.key(of: $1.event) }!
            for _ in 0..<3 {
                events.shuffle(using: &generator)
                let updates = MessageStatusUpdate.fold(events)
                #expect(updates.count == 1)
                #expect(updates[0].candidate.event.id == best.event.id, "\(events.map(\.event.status))")
                #expect(updates[0].candidateKey == CurrentStatusRule.key(of: best.event))
                #expect(updates[0].eventCount == count)
            }
        }
    }

    /// The PostgreSQL sink's split: each message's events in one part, in batch order; small batches
    /// stay whole; never more parts than asked for.
    @Test func postgresLanesKeepEachMessageTogether() {
        let messages = (0..<300).map { _ in SinkTestFixtures.messageSid() }
        let perMessage = messages.map { SinkTestFixtures.released($0, ["queued", "sent", "delivered", "read"]) }
        let batch = (0..<4).flatMap { step in perMessage.map { $0[step] } }
        let lanes = PostgresSink.lanes(of: batch, concurrency: 8)
        #expect(lanes.count == 2)  // 1,200 events: parts of at least 500
        #expect(lanes.map(\.count).reduce(0, +) == batch.count)
        let order = Dictionary(uniqueKeysWithValues: batch.enumerated().map { ($1.event.id, $0) })
        var laneOfMessage: [String: Int] = [:]
        for (index, lane) in lanes.enumerated() {
            for released in lane {
                #expect(laneOfMessage.updateValue(index, forKey: released.event.messageSid) ?? index == index)
            }
            #expect(lane.map { order[$0.event.id]! } == lane.map { order[$0.event.id]! }.sorted())
        }
        #expect(PostgresSink.lanes(of: Array(batch.prefix(999)), concurrency: 8).count == 1)
        #expect(PostgresSink.lanes(of: batch, concurrency: 1).count == 1)
        #expect(PostgresSink.lanes(of: batch + batch + batch, concurrency: 4).count == 4)
    }

    @Test func foldKeepsMessagesInFirstAppearanceOrder() {
        let a = SinkTestFixtures.released("SMa", ["queued", "sent"])
        let b = SinkTestFixtures.released("SMb", ["queued"])
        let updates = MessageStatusUpdate.fold([a[0], b[0], a[1]])
        #expect(updates.map(\.messageSid) == ["SMa", "SMb"])
        #expect(updates.map(\.eventCount) == [2, 1])
        #expect(updates[0].candidate.event.status == "sent")
    }

    // MARK: Retry policy

    static let policy = HTTPRetryPolicy(
        maxAttempts: 4, initialBackoff: .milliseconds(100), maxBackoff: .seconds(1), maxRetryAfter: .seconds(5)
    )

    @Test func classifiesStatuses() {
        let policy = Self.policy
        #expect(policy.outcome(attempt: 1, status: 200) == .delivered)
        #expect(policy.outcome(attempt: 1, status: 204) == .delivered)
        for code in [500, 502, 503, 504, 408, 429] {
            guard case .retry(_, let reason) = policy.outcome(attempt: 1, status: code, jitter: 0) else {
                Issue.record("\(code) should be retried")
                continue
            }
            #expect(reason == "http_\(code)")
        }
        for code in [400, 401, 403, 404, 410, 422, 301] {
            #expect(policy.outcome(attempt: 1, status: code) == .deadLetter(reason: "http_\(code)", detail: "HTTP \(code) is not retried"))
        }
        guard case .retry(_, "transport_error") = policy.outcome(attempt: 1, status: nil, transportError: "refused") else {
            Issue.record("transport errors are retried")
            return
        }
    }

    @Test func exhaustsAfterMaxAttempts() {
        let outcome = Self.policy.outcome(attempt: 4, status: 500)
        #expect(outcome == .deadLetter(reason: "retries_exhausted", detail: "HTTP 500 after 4 attempts (http_500)"))
        let transport = Self.policy.outcome(attempt: 4, status: nil, transportError: "connection refused")
        #expect(transport == .deadLetter(reason: "retries_exhausted", detail: "connection refused after 4 attempts (transport_error)"))
    }

    @Test func backoffGrowsWithJitterAndCap() {
        let policy = Self.policy
        #expect(policy.backoff(attempt: 1, jitter: 0) == .milliseconds(50))
        #expect(policy.backoff(attempt: 1, jitter: 1) == .milliseconds(100))
        #expect(policy.backoff(attempt: 3, jitter: 1) == .milliseconds(400))
        #expect(policy.backoff(attempt: 30, jitter: 1) == .seconds(1))
        #expect(policy.backoff(attempt: 30, jitter: 0) == .milliseconds(500))
    }

    @Test func honoursRetryAfter() {
        let now = Date(timeIntervalSince1970: 1_780_000_000)
        #expect(Self.policy.outcome(attempt: 1, status: 429, retryAfter: "2", now: now, jitter: 0) == .retry(after: .seconds(2), reason: "http_429"))
        // Capped at maxRetryAfter.
        #expect(Self.policy.outcome(attempt: 1, status: 429, retryAfter: "3600", now: now, jitter: 0) == .retry(after: .seconds(5), reason: "http_429"))
        // HTTP date form.
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        let date = formatter.string(from: now.addingTimeInterval(3))
        #expect(HTTPRetryPolicy.retryAfter(date, now: now) == .seconds(3))
        #expect(HTTPRetryPolicy.retryAfter("soon", now: now) == nil)
        // Without a usable header, the backoff applies.
        #expect(Self.policy.outcome(attempt: 2, status: 429, retryAfter: "soon", now: now, jitter: 1) == .retry(after: .milliseconds(200), reason: "http_429"))
    }

    // MARK: Encodings

    @Test func formEncodesRepeatedKeysInOrder() throws {
        let params: [String: StatusEvent.ParamValue] = [
            "To": .single("+1 555"),
            "Body": .single("a&b=c ü/✓"),
            "Tag": .multiple(["z", "a"]),
        ]
        let pairs = FormEncoding.pairs(params)
        #expect(pairs.map(\.0) == ["Body", "Tag", "Tag", "To"])
        let body = String(decoding: FormEncoding.encode(pairs), as: UTF8.self)
        #expect(body == "Body=a%26b%3Dc+%C3%BC%2F%E2%9C%93&Tag=z&Tag=a&To=%2B1+555")
        // Round trip through the ingress's own form parser.
        let parsed = try FormParameters.parse(Array(body.utf8))
        #expect(parsed.all("Tag") == ["z", "a"])
        #expect(parsed.first("Body") == "a&b=c ü/✓")
        #expect(parsed.first("To") == "+1 555")
    }

    @Test func recordAddsReleaseFieldsToTheEventJSON() throws {
        let released = ReleasedEvent(
            event: SinkTestFixtures.event("SM1", "delivered"), sequence: 3, late: true, topic: "status-events",
            partition: 2, offset: 42
        )
        let record = ReleasedEventJSON.record(released)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(record)) as? [String: Any])
        #expect(object["sequence"] as? Int == 3)
        #expect(object["late"] as? Bool == true)
        #expect(object["topic"] as? String == "status-events")
        #expect(object["partition"] as? Int == 2)
        #expect(object["offset"] as? Int == 42)
        #expect(object["messageSid"] as? String == "SM1")
        #expect(object["status"] as? String == "delivered")
        // The event part still decodes as a StatusEvent.
        #expect(try StatusEventCodec.decode(StatusEventCodec.encode(released.event)) == released.event)
        #expect(ReleasedEventJSON.quoted("a\"b\\c\n\u{01}") == "\"a\\\"b\\\\c\\n\\u0001\"")
    }

    /// A record read from Kafka reaches the sinks as its own bytes (a field this build does not know
    /// included), whether the reader decoded the whole event or only its summary; one that spans
    /// lines, or an event changed after decoding, is encoded again.
    @Test(arguments: [false, true])
    func releasedRecordsReuseTheRecordsOwnJSON(summaryOnly: Bool) throws {
        let event = SinkTestFixtures.event("SM1", "sent")
        var json = StatusEventCodec.encode(event)
        json.removeLast()
        json += Array(#","fromANewerIngress":"kept"}"#.utf8)
        let record = KafkaConsumerMessage(topic: "t", partition: 1, offset: 9, key: Array("SM1".utf8), value: json, headers: [], timestampMs: nil)
        guard case .event(let box) = DecodedRecord(record, summaryOnly: summaryOnly).content else {
            Issue.record("not decoded")
            return
        }
        #expect(box.encoded == json)
        #expect(box.summary == StatusEventSummary(event))
        var reorderer = PartitionReorderer(topic: "t", partition: 1, configuration: ReorderConfiguration(window: .zero))
        var released: [ReleasedEvent] = []
        reorderer.add(box, offset: 9, now: 0, into: &released)
        let line = try #require(released.first.map { String(decoding: LineWriter.lines([$0]), as: UTF8.self) })
        #expect(line.contains(#""fromANewerIngress":"kept","sequence":1,"late":false"#), "\(line)")
        // A sink that reads the whole event gets it, decoded from the record if need be.
        #expect(released.first?.event == event)

        var changed = try #require(released.first)
        changed.event.status = "delivered"
        #expect(!String(decoding: ReleasedEventJSON.record(changed), as: UTF8.self).contains("fromANewerIngress"))
        #expect(changed.summary.status == "delivered")

        let pretty = Array(String(decoding: json, as: UTF8.self).replacingOccurrences(of: ",", with: ",\n").utf8)
        let prettyRecord = KafkaConsumerMessage(topic: "t", partition: 1, offset: 10, key: Array("SM1".utf8), value: pretty, headers: [], timestampMs: nil)
        guard case .event(let prettyBox) = DecodedRecord(prettyRecord, summaryOnly: summaryOnly).content else {
            Issue.record("pretty JSON not decoded")
            return
        }
        #expect(prettyBox.encoded == nil)
        #expect(prettyBox.event == event)
    }

    /// A record the summary decode rejects is rejected with the full decode's reason.
    @Test func summaryDecodeRejectsWhatTheFullDecodeRejects() throws {
        let text = String(decoding: StatusEventCodec.encode(SinkTestFixtures.event("SM1", "sent")), as: UTF8.self)
        let json = Array(text.replacingOccurrences(of: #""params":{"#, with: #""params":{"Bad":7,"#).utf8)
        let record = KafkaConsumerMessage(topic: "t", partition: 1, offset: 9, key: nil, value: json, headers: [], timestampMs: nil)
        func reason(_ summaryOnly: Bool) -> String? {
            guard case .undecodable(_, let reason, _) = DecodedRecord(record, summaryOnly: summaryOnly).content else { return nil }
            return reason
        }
        #expect(reason(true)?.contains("params.Bad") == true)
        #expect(reason(true) == reason(false))
    }

    @Test(arguments: [(Int64(0), "0"), (7, "7"), (1_234_567_890_123, "1234567890123"), (Int64.max, "9223372036854775807"), (-42, "-42")])
    func integersAreWrittenExactly(value: Int64, text: String) {
        var out: [UInt8] = Array("x".utf8)
        ReleasedEventJSON.appendInteger(value, to: &out)
        #expect(String(decoding: out, as: UTF8.self) == "x" + text)
    }

    @Test func recordSplicesIntoEmptyAndPaddedObjects() throws {
        let released = ReleasedEvent(
            event: SinkTestFixtures.event("SM1", "sent"), sequence: 12, late: false, topic: "t\"q", partition: 0, offset: 0
        )
        for json in ["{}", "{ }", "{\"a\":1}", "{\"a\":1 }\n"] {
            let record = ReleasedEventJSON.record(released, eventJSON: Array(json.utf8))
            let object = try #require(try JSONSerialization.jsonObject(with: Data(record)) as? [String: Any], "\(json)")
            #expect(object["sequence"] as? Int == 12)
            #expect(object["late"] as? Bool == false)
            #expect(object["topic"] as? String == "t\"q")
            #expect(object["offset"] as? Int == 0)
            #expect((object["a"] as? Int) == (json.contains("a") ? 1 : nil))
        }
    }

    // MARK: Factory

    @Test func factoryParsesURLs() throws {
        let logger = Logger(label: "test")
        let configuration = SinkFactory.Configuration()
        #expect(try SinkFactory.makeSink(url: "stdout", configuration: configuration, logger: logger).name == "stdout")
        #expect(try SinkFactory.makeSink(url: "sqlite:/tmp/x.db", configuration: configuration, logger: logger).name == "sqlite")
        #expect(try SinkFactory.makeSink(url: "jsonl:out.jsonl", configuration: configuration, logger: logger).name == "jsonl")
        #expect(
            try SinkFactory.makeSink(url: "postgres://u:secret@127.0.0.1:5/db", configuration: configuration, logger: logger).name
                == "postgres"
        )
        let sqlite = try SinkFactory.makeUninstrumentedSink(url: "sqlite:///var/lib/s.db", configuration: configuration, logger: logger)
        #expect((sqlite as? SQLiteSink)?.path == "/var/lib/s.db")
        for bad in ["sqlite:", "mysql://x", "kafka:", "kafka:bad topic", "", "jsonl:"] {
            #expect(throws: SinkError.self, "\(bad)") {
                try SinkFactory.makeSink(url: bad, configuration: configuration, logger: logger)
            }
        }
        // Sinks that publish to Kafka need a producer.
        for needsProducer in ["kafka:out", "http://127.0.0.1:1/status"] {
            #expect(throws: SinkError.self) { try SinkFactory.makeSink(url: needsProducer, configuration: configuration, logger: logger) }
        }
    }

    @Test func postgresURLKeepsThePasswordOutOfLogs() throws {
        let url = try PostgresURL("postgres://relay:s3cret@db.example:6543/events?schema=relay&sslmode=require")
        #expect(url.host == "db.example" && url.port == 6543 && url.database == "events" && url.schema == "relay")
        #expect(url.password == "s3cret")
        #expect(!url.redacted.contains("s3cret"))
        let error = SinkError(code: .unavailable, sink: "postgres", message: "x")
        #expect(error.isRetriable)
        #expect(!SinkError(code: .writeFailed, sink: "postgres", message: "x").isRetriable)
    }
}
