import Foundation
import GRDB
import Kafka
import NIOCore
import StatusEvents
import Testing

@testable import Consumer

/// The pure rules behind issue 16's items 3, 4 and 7.
@Suite struct PoisonLogicTests {
    // MARK: Dead-letter records

    @Test func deadLetterRecordKeepsWhatFitsAsIs() {
        let source = DeadLetterRecord.Source(topic: "t", partition: 2, offset: 7)
        let record = DeadLetterRecord.make(
            topic: "t.dlq", key: Array("k".utf8), value: Array("v".utf8), originalHeaders: [KafkaHeader(key: "h", string: "1")],
            kind: .undecodable, reason: "bad", source: source, maxBytes: 10_000
        )
        #expect(record.value == Array("v".utf8))
        #expect(record.key == Array("k".utf8))
        #expect(record.headers.map(\.key) == ["h", "statusrelay-dlq-reason", "statusrelay-dlq-kind", "statusrelay-dlq-source"])
        #expect(record.headers.last?.stringValue == "t/2/7")
    }

    @Test(arguments: [4096, 100_000, 900_000])
    func deadLetterRecordTruncatesToItsBudget(budget: Int) {
        let value = [UInt8](repeating: 1, count: 1_000_000)
        let key = [UInt8](repeating: 2, count: 50_000)
        let headers = (0..<100).map { KafkaHeader(key: "h\($0)", value: [UInt8](repeating: 3, count: 1000)) }
        let record = DeadLetterRecord.make(
            topic: "t.dlq", key: key, value: value, originalHeaders: headers, kind: .rejected,
            reason: String(repeating: "r", count: 5000), source: .init(topic: "t", partition: 0, offset: 1),
            extra: [KafkaHeader(key: "statusrelay-event-id", value: [UInt8](repeating: 4, count: 100_000))], maxBytes: budget
        )
        let size = (record.key?.count ?? 0) + record.value.count + DeadLetterRecord.size(of: record.headers) + DeadLetterRecord.recordOverhead
        #expect(size <= budget)
        #expect(record.value == Array(value.prefix(record.value.count)))
        #expect(record.key == Array(key.prefix(DeadLetterRecord.maximumTruncatedKeyBytes)))
        func header(_ name: String) -> String? { record.headers.first { $0.key == name }?.stringValue }
        #expect(header("statusrelay-dlq-truncated") == "true")
        #expect(header("statusrelay-dlq-original-size") == "1000000")
        #expect(header("statusrelay-dlq-original-key-size") == "50000")
        #expect(header("statusrelay-dlq-original-headers") == "100")
        #expect(header("statusrelay-dlq-reason")?.count == DeadLetterRecord.maximumReasonCharacters)
        if budget >= 100_000 { #expect(record.value.count > budget - 5000) }
    }

    // MARK: Key check

    @Test func keyMustBeTheEventsMessageSid() {
        #expect(DecodedRecord.keyProblem(Array("SM1".utf8), messageSid: "SM1") == nil)
        #expect(DecodedRecord.keyProblem(nil, messageSid: "SM1")?.contains("null") == true)
        #expect(DecodedRecord.keyProblem(Array("SM2".utf8), messageSid: "SM1")?.contains(#""SM2""#) == true)
        #expect(DecodedRecord.keyProblem([UInt8](repeating: 65, count: 10_000), messageSid: "SM1")?.contains("10000 bytes") == true)
        let event = SinkTestFixtures.event("SM1", "sent")
        let record = KafkaConsumerMessage(
            topic: "t", partition: 0, offset: 3, key: Array("SM9".utf8), value: StatusEventCodec.encode(event), headers: [], timestampMs: nil
        )
        for summaryOnly in [false, true] {
            guard case .undecodable(_, let reason, let kind) = DecodedRecord(record, summaryOnly: summaryOnly).content else {
                Issue.record("a record keyed by another sid was accepted")
                continue
            }
            #expect(kind == .keyMismatch)
            #expect(reason.contains("SM9"))
        }
    }

    // MARK: Progress

    @Test func progressWatchReportsOnlyPartitionsBehindWithoutCommits() {
        var watch = ProgressWatch()
        watch.read(0, next: 10, now: 0)
        watch.read(1, next: 5, now: 0)
        #expect(watch.stalled(now: 999, timeout: 1000) == [])
        #expect(watch.stalled(now: 1000, timeout: 1000) == [0, 1])
        watch.committed(0, offset: 10, now: 1000)
        watch.committed(1, offset: 3, now: 1000)
        // 0 caught up: never stalled, however long idle; 1 moved at 1000 but is still behind.
        #expect(watch.stalled(now: 1999, timeout: 1000) == [])
        #expect(watch.stalled(now: 5000, timeout: 1000) == [1])
        // Reading again after being caught up starts the clock then.
        watch.read(0, next: 11, now: 6000)
        #expect(watch.stalled(now: 6500, timeout: 1000) == [1])
        #expect(watch.stalled(now: 7000, timeout: 1000) == [0, 1])
        // A commit that does not move the offset is no progress.
        watch.committed(1, offset: 3, now: 7000)
        #expect(watch.stalled(now: 7000, timeout: 1000) == [0, 1])
        watch.forget(1)
        #expect(watch.stalled(now: 9000, timeout: 1000) == [0])
    }

    // MARK: PostgreSQL

    @Test func postgresErrorClassesBySQLState() {
        for state in ["08006", "08001", "40001", "40P01", "53300", "53100", "57P01", "57P03", "57014", "55P03", "58030"] {
            #expect(PostgresErrorClass(sqlState: state) == .transient, "\(state)")
        }
        for state in ["22021", "22003", "22P05", "23505", "54000", "42P01", "42601", "XX000", ""] {
            #expect(PostgresErrorClass(sqlState: state) == .permanent, "\(state)")
        }
    }

    @Test func jsonbTakesOrdinaryJSONAsIsAndTheRestAsAString() {
        let ordinary = StatusEventCodec.encode(SinkTestFixtures.event("SM1", "sent", extra: [("Body", "a \\u0000 b"), ("X", "\u{1}")]))
        #expect(PostgresJSONB.canHold(ordinary))
        #expect(PostgresJSONB.canHold(Array(#"{"a":[1.5e10,-0,2E-300,true,false,null],"b":"\\u0000"}"#.utf8)))
        for hostile in [
            #"{"a":"x\u0000y"}"#, #"{"a":1e999999}"#, #"{"a":1E+1000}"#, #"{"a":-1e-99999}"#,
            "{\"a\":" + String(repeating: "9", count: 1001) + "}",
            "{\"a\":0." + String(repeating: "1", count: 1001) + "}",
        ] {
            #expect(!PostgresJSONB.canHold(Array(hostile.utf8)), "\(hostile.prefix(40))")
        }
        let text = #"{"a":"x\u0000y\"\\"}"#
        let literal = PostgresJSONB.stringLiteral(Array(text.utf8))
        let decoded = try? JSONSerialization.jsonObject(with: Data(literal), options: [.fragmentsAllowed]) as? String
        #expect(decoded == text)
    }

    @Test func sqliteClassifiesRefusalsApartFromOutages() {
        for code in [ResultCode.SQLITE_CONSTRAINT, .SQLITE_TOOBIG, .SQLITE_MISMATCH] {
            #expect(SQLiteSink.sinkError(DatabaseError(resultCode: code)).code == .rejected, "\(code)")
        }
        for code in [ResultCode.SQLITE_BUSY, .SQLITE_LOCKED, .SQLITE_FULL, .SQLITE_IOERR] {
            #expect(SQLiteSink.sinkError(DatabaseError(resultCode: code)).isRetriable, "\(code)")
        }
    }

    @Test func copyTextReplacesNULInTextColumns() {
        var rows = PostgresCopyText(capacity: 64)
        rows.text("a\u{0}b\tc")
        rows.endRow()
        #expect(String(buffer: rows.buffer) == "a\u{FFFD}b\\tc\n")
    }
}
