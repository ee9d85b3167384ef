import Consumer
import Foundation
import Logging
import Operations
import StatusEvents
import TestSupport

/// A small hand-built history with known report figures (see `ReportTests`).
enum ReportTestData {
    static let account = "AC" + String(repeating: "ab", count: 16)
    static let service = "MG" + String(repeating: "cd", count: 16)

    static func sid(_ n: Int) -> String { "SM" + String(format: "%032x", n) }

    static func event(
        _ n: Int, _ status: String, at: Int64, from: String, service: String? = nil, error: String? = nil,
        dlr: String? = nil, extra: [(String, String)] = []
    ) throws -> StatusEvent {
        var parameters: [(String, String)] = [
            ("AccountSid", account), ("MessageSid", sid(n)), ("MessageStatus", status), ("From", from),
            ("To", from.hasPrefix("whatsapp:") ? "whatsapp:+15557770000" : "+15557770000"),
        ]
        if let service { parameters.append(("MessagingServiceSid", service)) }
        if let error { parameters.append(("ErrorCode", error)) }
        if let dlr { parameters.append(("RawDlrDoneDate", dlr)) }
        parameters += extra
        return try StatusCallbackNormalizer().normalize(FormParameters(parameters), receivedAt: at)
    }

    /// `YYMMDDhhmm` (UTC) of a time.
    static func raw(_ milliseconds: Int64) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyMMddHHmm"
        return formatter.string(from: Date(timeIntervalSince1970: Double(milliseconds) / 1000))
    }

    /// Released events, as the consumer would hand them to the sinks. `t` is an hour boundary.
    static func history(t: Int64) throws -> [ReleasedEvent] {
        let a = "+15550000001"
        let b = "+15550000002"
        let w = "whatsapp:+15550000003"
        // (event, late) per message, in release order.
        let messages: [[(StatusEvent, Bool)]] = [
            // M1: delivered after 179 s; the carrier's RawDlrDoneDate says 2 min after t, in its own zone.
            [
                (try event(1, "queued", at: t, from: a, service: service), false),
                (try event(1, "sent", at: t + 1_000, from: a, service: service), false),
                (try event(1, "delivered", at: t + 180_000, from: a, service: service, dlr: raw(t + 120_000)), false),
            ],
            // M2: undelivered 30003.
            [
                (try event(2, "queued", at: t + 100, from: a, service: service), false),
                (try event(2, "sent", at: t + 2_000, from: a, service: service), false),
                (try event(2, "undelivered", at: t + 12_000, from: a, service: service, error: "30003"), false),
            ],
            // M3: delivered after 1 s; its sent arrived late, and delivered was repeated.
            [
                (try event(3, "queued", at: t + 200, from: b), false),
                (try event(3, "delivered", at: t + 4_000, from: b), false),
                (try event(3, "sent", at: t + 3_000, from: b), true),
                (try event(3, "delivered", at: t + 4_500, from: b, extra: [("Retry", "1")]), true),
            ],
            // M4: WhatsApp, delivered after 20 s, then read.
            [
                (try event(4, "queued", at: t + 300, from: w), false),
                (try event(4, "sent", at: t + 1_300, from: w), false),
                (try event(4, "delivered", at: t + 21_300, from: w), false),
                (try event(4, "read", at: t + 30_000, from: w), false),
            ],
            // M5: stuck at sent.
            [
                (try event(5, "queued", at: t + 400, from: b), false),
                (try event(5, "sent", at: t + 500, from: b), false),
            ],
            // M6: next hour, failed 30007.
            [
                (try event(6, "queued", at: t + 3_600_000, from: a), false),
                (try event(6, "failed", at: t + 3_601_000, from: a, error: "30007"), false),
            ],
        ]
        var released: [ReleasedEvent] = []
        var offset: Int64 = 0
        for events in messages {
            for (index, (event, late)) in events.enumerated() {
                released.append(ReleasedEvent(event: event, sequence: index + 1, late: late, topic: "t", partition: 0, offset: offset))
                offset += 1
            }
        }
        return released
    }

    /// Writes events through a real sink, started and shut down here.
    static func write(_ events: [ReleasedEvent], sinkURL: String) async throws {
        let sink = try SinkFactory.makeSink(url: sinkURL, configuration: SinkFactory.Configuration(), logger: Logger(label: "test"))
        try await sink.start()
        try await sink.write(events)
        try await sink.shutdown()
    }

    /// An hour boundary three hours ago.
    static var hourThreeHoursAgo: Int64 {
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        return (now / 3_600_000 - 3) * 3_600_000
    }

    /// A fresh PostgreSQL schema URL on the test server.
    static func postgresURL() throws -> String {
        let base = try TestEnvironment.postgresURL
        let schema = TestEnvironment.uniqueName("report").replacingOccurrences(of: "-", with: "_")
        return base + (base.contains("?") ? "&" : "?") + "schema=\(schema)"
    }
}
