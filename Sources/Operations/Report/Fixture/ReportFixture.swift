import Foundation
package import Consumer
import StatusEvents

/// Realistic released events for the report's tests and benchmark: Twilio status callbacks
/// normalized by the real ``StatusCallbackNormalizer``, released the way the consumer would
/// (rank order, sequences, late and repeated callbacks), deterministic for a seed.
///
/// Per message: SMS (70 %), WhatsApp (15 %) or RCS (15 %); a messaging service on 60 %; outcomes
/// 88 % delivered (half of WhatsApp ones then read), 6 % undelivered, 3 % failed, 3 % stuck at
/// `sent`; `RawDlrDoneDate` on most SMS final statuses; 1 % with a late `sent`, 0.5 % with a
/// repeated `delivered` callback.
package struct ReportFixture: Sendable {
    package var messages: Int
    /// First message time, milliseconds since the Unix epoch.
    package var start: Int64
    /// Messages start uniformly in `[start, start + span)`.
    package var spanMilliseconds: Int64
    package var seed: UInt64
    package var topic = "statusrelay.fixture"

    package init(messages: Int, start: Int64, spanMilliseconds: Int64, seed: UInt64 = 42) {
        self.messages = messages
        self.start = start
        self.spanMilliseconds = max(1, spanMilliseconds)
        self.seed = seed
    }

    static let accountSid = "AC" + String(repeating: "a1", count: 16)
    static let services = ["MG" + String(repeating: "0b", count: 16), "MG" + String(repeating: "7c", count: 16)]
    static let smsSenders = ["+15550001001", "+15550001002", "+15550001003", "+15550001004"]
    static let whatsappSenders = ["whatsapp:+15550002001", "whatsapp:+15550002002"]
    static let rcsSenders = ["rcs:statusrelay_demo_agent"]

    /// The released events of message `index`, in release order (sequence 1…n).
    package func events(ofMessage index: Int, offset: inout Int64) -> [ReleasedEvent] {
        var random = SplitMix64(seed: seed &+ UInt64(index) &* 0x2545_F491_4F6C_DD1D)
        let hex = String(format: "%016llx%016llx", UInt64(index), random.next())
        let channelDraw = Double.random(in: 0..<1, using: &random)
        let channel = channelDraw < 0.70 ? "sms" : channelDraw < 0.85 ? "whatsapp" : "rcs"
        let sid = (channel == "sms" && index % 10 == 0 ? "MM" : "SM") + hex
        let senders = channel == "sms" ? Self.smsSenders : channel == "whatsapp" ? Self.whatsappSenders : Self.rcsSenders
        let from = senders[Int(random.next() % UInt64(senders.count))]
        let to = (channel == "whatsapp" ? "whatsapp:" : "") + "+1555" + String(format: "%07d", Int(random.next() % 10_000_000))
        let service = Double.random(in: 0..<1, using: &random) < 0.6 ? Self.services[index % 2] : nil

        var time = start + Int64(random.next() % UInt64(spanMilliseconds))
        var statuses: [(status: String, at: Int64, error: String?, dlr: Int64?)] = []
        if service != nil { statuses.append(("accepted", time, nil, nil)) }
        time += 40 + Int64(random.next() % 60)
        statuses.append(("queued", time, nil, nil))
        time += 100 + Int64(random.next() % 400)
        statuses.append(("sending", time, nil, nil))
        time += 300 + Int64(random.next() % 1200)
        statuses.append(("sent", time, nil, nil))
        let sentAt = time
        // Log-normal-ish delivery latency around 4 s with a long tail.
        let latency = Int64(4000 * exp(Double.random(in: -1.2...1.2, using: &random) + (Double.random(in: 0..<1, using: &random) < 0.05 ? 2.5 : 0)))
        let outcome = Double.random(in: 0..<1, using: &random)
        let hasDlr = channel == "sms" && Double.random(in: 0..<1, using: &random) < 0.8
        let dlrAt = hasDlr ? sentAt + latency - 500 - Int64(random.next() % 1_000) : nil
        if outcome < 0.88 {
            statuses.append(("delivered", sentAt + latency, nil, dlrAt))
            if channel == "whatsapp" && random.next() % 2 == 0 {
                statuses.append(("read", sentAt + latency + 5_000 + Int64(random.next() % 600_000), nil, nil))
            }
        } else if outcome < 0.94 {
            let codes = ["30003", "30005", "30006", "30007", "30008", "30003", "30005", "30003"]
            statuses.append(("undelivered", sentAt + latency, codes[Int(random.next() % UInt64(codes.count))], dlrAt))
        } else if outcome < 0.97 {
            let codes = channel == "whatsapp" ? ["63016", "63016", "30008"] : ["30001", "21610", "30004", "30010"]
            statuses.append(("failed", sentAt + latency, codes[Int(random.next() % UInt64(codes.count))], nil))
        }

        var released: [ReleasedEvent] = []
        var sequence = 0
        func release(_ status: (status: String, at: Int64, error: String?, dlr: Int64?), late: Bool, extra: [(String, String)] = []) {
            var parameters: [(String, String)] = [
                ("AccountSid", Self.accountSid), ("ApiVersion", "2010-04-01"), ("ChannelPrefix", channel),
                ("From", from), ("MessageSid", sid), ("MessageStatus", status.status), ("SmsSid", sid),
                ("SmsStatus", status.status), ("To", to),
            ]
            if let service { parameters.append(("MessagingServiceSid", service)) }
            if let error = status.error { parameters.append(("ErrorCode", error)) }
            if let dlr = status.dlr { parameters.append(("RawDlrDoneDate", Self.rawDlrDoneDate(dlr))) }
            parameters += extra
            guard let event = try? StatusCallbackNormalizer().normalize(FormParameters(parameters), receivedAt: status.at) else {
                return
            }
            sequence += 1
            offset += 1
            released.append(
                ReleasedEvent(
                    event: event, sequence: sequence, late: late, topic: topic,
                    partition: Int32(index % 4), offset: offset
                )
            )
        }
        let lateSent = index % 100 == 7 && statuses.count > 4
        for status in statuses where !(lateSent && status.status == "sent") {
            release(status, late: false)
        }
        if lateSent, let sent = statuses.first(where: { $0.status == "sent" }) {
            release(sent, late: true)
        }
        if index % 200 == 3, let final = statuses.last, final.status == "delivered" {
            release((final.status, final.at + 1_500, nil, final.dlr), late: true, extra: [("Retry", "1")])
        }
        return released
    }

    /// Writes every message's events to `sink` in batches; returns the number of events.
    package func write(to sink: any EventSink, batchSize: Int = 5_000, progress: (@Sendable (Int, Int) -> Void)? = nil) async throws -> Int {
        var offset: Int64 = -1
        var batch: [ReleasedEvent] = []
        var total = 0
        for index in 0..<messages {
            batch += events(ofMessage: index, offset: &offset)
            if batch.count >= batchSize {
                try await sink.write(batch)
                total += batch.count
                batch.removeAll(keepingCapacity: true)
                progress?(index + 1, messages)
            }
        }
        if !batch.isEmpty {
            try await sink.write(batch)
            total += batch.count
        }
        try await sink.flush()
        progress?(messages, messages)
        return total
    }

    /// `YYMMDDhhmm` in UTC.
    static func rawDlrDoneDate(_ milliseconds: Int64) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyMMddHHmm"
        return formatter.string(from: Date(timeIntervalSince1970: Double(milliseconds) / 1000))
    }
}
