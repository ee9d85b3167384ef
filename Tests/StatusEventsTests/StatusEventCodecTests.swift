import Foundation
import StatusEvents
import Testing
import TestSupport

@Suite struct StatusEventCodecTests {
    static let receivedAt: Int64 = 1_764_423_605_123

    /// Events covering every field shape: nulls, text error codes, arrays, unicode, both sources.
    static func samples() throws -> [StatusEvent] {
        let normalizer = StatusCallbackNormalizer(nodeId: "edge-1")
        var events: [StatusEvent] = []
        let base: [(String, String)] = [
            ("MessageSid", "SM0123456789abcdef0123456789abcdef"), ("AccountSid", "AC0123456789abcdef0123456789abcdef"),
        ]
        events.append(try normalizer.normalize(FormParameters(base + [("MessageStatus", "delivered"), ("From", "+1"), ("To", "+2")]), receivedAt: receivedAt))
        events.append(try normalizer.normalize(
            FormParameters(base + [
                ("MessageStatus", "UNDELIVERED"), ("ErrorCode", "30003x"), ("RawDlrDoneDate", "2613011200"),
                ("Tag", "a"), ("Tag", "b\"\\\n\u{0}"), ("Émoji 😀", "中文"), ("EventType", "READ"),
            ]),
            idempotencyToken: "tok", homeRegion: "ie1", receivedAt: receivedAt
        ))
        events.append(try StatusCallbackNormalizer().normalize(
            FormParameters(base + [("SmsStatus", "teleported"), ("ErrorCode", "63016"), ("RawDlrDoneDate", "2611291340")]),
            receivedAt: 0
        ))
        let streams = #"[{"specversion":"1.0","type":"com.twilio.messaging.message.read","id":"EZ1","source":"/x","data":{"messageSid":"MM0123456789abcdef0123456789abcdef","accountSid":"AC0123456789abcdef0123456789abcdef","messageStatus":"READ","errorCode":30008,"from":"rcs:brand","tags":{"a":[1,2]},"timestamp":"2026-11-29T13:40:05.123456789+01:00","rawDlrDoneDate":"2024-05-29T10:57:57.563495225Z"}}]"#
        events += try EventStreamsNormalizer(nodeId: "n").normalize(body: Array(streams.utf8), receivedAt: receivedAt).events
        let resource = #"{"sid":"SM0123456789abcdef0123456789abcdef","account_sid":"AC0123456789abcdef0123456789abcdef","status":"delivered","error_code":null,"direction":"outbound-api","date_sent":"Fri, 24 May 2019 17:44:50 +0000","date_updated":"Fri, 24 May 2019 17:45:10 +0000","num_segments":"1","subresource_uris":{"media":"/m"}}"#
        events.append(try ReconciliationNormalizer().normalize(message: JSONValue.parse(Array(resource.utf8)), receivedAt: receivedAt))
        return events
    }

    @Test func roundTrip() throws {
        for event in try Self.samples() {
            let bytes = StatusEventCodec.encode(event)
            #expect(try StatusEventCodec.decode(bytes) == event)
            // The Codable conformance reads the same wire form.
            #expect(try JSONDecoder().decode(StatusEvent.self, from: Data(bytes)) == event)
            // Foundation agrees it is valid JSON.
            #expect(try JSONSerialization.jsonObject(with: Data(bytes)) is [String: Any])
        }
    }

    @Test func encodingIsDeterministicWithStableKeyOrder() throws {
        let event = try Self.samples()[1]
        let text = String(decoding: StatusEventCodec.encode(event), as: UTF8.self)
        #expect(text.hasPrefix(#"{"schemaVersion":1,"id":""#))
        #expect(text.hasSuffix("]}"))
        let keys = ["schemaVersion", "id", "messageSid", "accountSid", "messagingServiceSid", "status", "statusRank", "errorCode",
                    "eventType", "channel", "from", "to", "rawDlrDoneDate", "dlrDoneAt", "receivedAt", "source", "ingress", "params", "notes"]
        let positions = keys.map { text.range(of: "\"\($0)\":")?.lowerBound }
        #expect(positions.allSatisfy { $0 != nil })
        #expect(positions.compactMap { $0 } == positions.compactMap { $0 }.sorted())
        #expect(text.contains(#""messagingServiceSid":null"#))
        #expect(text.contains(#""errorCode":"30003x""#))
        #expect(text.contains(#""Tag":["a","b\"\\\n\u0000"]"#))
        // params keys sorted by UTF-8 bytes, so shuffled input encodes identically.
        var shuffled = event
        shuffled.params = Dictionary(uniqueKeysWithValues: event.params.reversed())
        #expect(StatusEventCodec.encode(shuffled) == StatusEventCodec.encode(event))
    }

    @Test func randomStringsRoundTrip() throws {
        var generator = SeededGenerator(seed: 42)
        let pieces = ["a", "\"", "\\", "\n", "\u{0}", "\u{1F}", "\u{7F}", "é", "😀", "中", "\u{2028}", " ", "/"]
        func randomText() -> String {
            (0..<Int(generator.next() % 12)).map { _ in pieces[Int(generator.next() % UInt64(pieces.count))] }.joined()
        }
        for _ in 0..<300 {
            // A rank is the status's (a record stating another is refused).
            let status = Int(generator.next() % 3) == 0 ? randomText() : "sent"
            let event = StatusEvent(
                id: String(repeating: "a", count: 64), messageSid: "SM0123456789abcdef0123456789abcdef",
                accountSid: "AC0123456789abcdef0123456789abcdef", messagingServiceSid: randomText(),
                status: status, statusRank: MessageLifecycle.rank(of: status), errorCode: .text(randomText()), eventType: randomText(),
                channel: nil, from: randomText(), to: randomText(), receivedAt: Int64(generator.next() % 1_000_000_000_000),
                source: .statusCallback, ingress: .init(nodeId: randomText()),
                params: [randomText(): .single(randomText()), "k": .multiple([randomText(), randomText()])], notes: [randomText()]
            )
            #expect(try StatusEventCodec.decode(StatusEventCodec.encode(event)) == event)
        }
    }

    @Test func decodeRejectsWrongShapes() {
        let good = String(decoding: StatusEventCodec.encode(try! Self.samples()[0]), as: UTF8.self)
        let cases: [(String, String)] = [
            ("[]", "invalid_event"),
            ("{", "invalid_json"),
            (good.replacingOccurrences(of: #""schemaVersion":1"#, with: #""schemaVersion":2"#), "unsupported_schema_version"),
            (good.replacingOccurrences(of: #""source":"status-callback""#, with: #""source":"carrier-pigeon""#), "invalid_event"),
            (good.replacingOccurrences(of: #""receivedAt":"#, with: #""receivedAt":"x","old":"#), "invalid_event"),
        ]
        for (text, detail) in cases {
            do {
                _ = try StatusEventCodec.decode(Array(text.utf8))
                Issue.record("expected \(detail)")
            } catch {
                #expect(error.detail == detail)
            }
        }
    }

    static var repoRoot: URL {
        URL(fileURLWithPath: #filePath).resolvingSymlinksInPath().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    @Test func everyEncodedKeyIsDeclaredInTheSchema() throws {
        let schemaBytes = try Data(contentsOf: Self.repoRoot.appendingPathComponent("config/schema/status-event.v1.json"))
        let schema = try #require(try JSONSerialization.jsonObject(with: schemaBytes) as? [String: Any])
        let properties = try #require(schema["properties"] as? [String: Any])
        let ingress = try #require((properties["ingress"] as? [String: Any])?["properties"] as? [String: Any])
        let required = Set(try #require(schema["required"] as? [String]))
        // Added within v1 and written only when present (reconciliation and Event Streams events).
        let addedBySource: [StatusEvent.Source: Set<String>] = [
            .reconciliation: ["twilioDateSent", "twilioDateUpdated"], .eventStreams: ["twilioTimestamp"],
        ]
        let addedOptional = addedBySource.values.reduce(Set<String>()) { $0.union($1) }
        #expect(Set(properties.keys) == required.union(addedOptional))
        for event in try Self.samples() {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(StatusEventCodec.encode(event))) as? [String: Any])
            let expected = required.union(addedBySource[event.source] ?? [])
            #expect(Set(object.keys) == expected)
            #expect(Set(try #require(object["ingress"] as? [String: Any]).keys) == Set(ingress.keys))
        }
    }

    /// Validates sample events against the schema with the Python `jsonschema` package.
    @Test func samplesValidateAgainstTheJSONSchema() throws {
        guard let python = ProcessInfo.processInfo.environment["STATUSRELAY_PYTHON"] else {
            Issue.record("STATUSRELAY_PYTHON is not set: run through scripts/test.sh (or export it to the venv python)")
            return
        }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("statusrelay-schema-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        var lines = try Self.samples().map { String(decoding: StatusEventCodec.encode($0), as: UTF8.self) }
        // A negative control: the validator must be able to fail.
        lines.append(lines[0].replacingOccurrences(of: #""schemaVersion":1"#, with: #""schemaVersion":"1""#))
        let events = directory.appendingPathComponent("events.jsonl")
        try lines.joined(separator: "\n").write(to: events, atomically: true, encoding: .utf8)
        let script = """
            import json, sys, jsonschema
            schema = json.load(open(sys.argv[1]))
            validator = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())
            for line in open(sys.argv[2], encoding="utf-8"):
                errors = sorted(e.message for e in validator.iter_errors(json.loads(line)))
                print("ok" if not errors else "invalid: " + "; ".join(errors))
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = ["-c", script, Self.repoRoot.appendingPathComponent("config/schema/status-event.v1.json").path, events.path]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        let results = String(decoding: data, as: UTF8.self).split(separator: "\n").map(String.init)
        #expect(results.count == lines.count)
        #expect(results.dropLast().allSatisfy { $0 == "ok" }, "\(results)")
        #expect(results.last?.hasPrefix("invalid") == true)
    }
}
