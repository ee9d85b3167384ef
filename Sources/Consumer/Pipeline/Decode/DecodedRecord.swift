import Kafka
import StatusEvents

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A record of the source topic, decoded by the reader stage.
struct DecodedRecord: Sendable {
    enum Content: Sendable {
        case event(StatusEventBox)
        /// Kept whole for the dead-letter topic.
        case undecodable(KafkaConsumerMessage, reason: String, kind: DeadLetterRecord.Kind)
    }

    var partition: Int32
    var offset: Int64
    /// The record's Kafka timestamp, if any (see `PlausibilityClock`).
    var timestampMs: Int64?
    var content: Content

    /// - Parameter summaryOnly: decode only the event's summary (the record is checked as fully
    ///   either way); for sinks that write the record's JSON and never read the other fields.
    init(_ message: KafkaConsumerMessage, summaryOnly: Bool = false) {
        partition = message.partition
        offset = message.offset
        timestampMs = message.timestampMs
        let box: StatusEventBox
        do {
            let singleLine = Self.isSingleLine(message.value)
            if summaryOnly, singleLine {
                let summary = try StatusEventCodec.decodeSummary(message.value)
                box = StatusEventBox(summary: summary, encoded: message.value)
            } else {
                // A record spanning lines is encoded again for the sinks, so it needs every field.
                let event = try StatusEventCodec.decode(message.value)
                box = StatusEventBox(event, encoded: singleLine ? message.value : nil)
            }
        } catch {
            content = .undecodable(message, reason: "\(error)", kind: .undecodable)
            return
        }
        // Ordering and deduplication are per partition: an event must be in its message's partition,
        // which only its key (the MessageSid) puts it in.
        if let problem = Self.keyProblem(message.key, messageSid: box.summary.messageSid) {
            content = .undecodable(message, reason: problem, kind: .keyMismatch)
            return
        }
        content = .event(box)
    }

    /// Why `key` is not the event's MessageSid, or nil when it is.
    static func keyProblem(_ key: [UInt8]?, messageSid: String) -> String? {
        guard let key else { return "record key is null, not the event's messageSid \"\(messageSid)\"" }
        if key.elementsEqual(messageSid.utf8) { return nil }
        let shown = String(decoding: key.prefix(64), as: UTF8.self).debugDescription
        return "record key \(shown)\(key.count > 64 ? "… (\(key.count) bytes)" : "") is not the event's messageSid \"\(messageSid)\""
    }

    /// JSON lines need the object on one line; a producer may have pretty-printed it.
    private static func isSingleLine(_ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBytes { buffer in
            guard let base = buffer.baseAddress else { return true }
            return memchr(base, 0x0A, buffer.count) == nil && memchr(base, 0x0D, buffer.count) == nil
        }
    }
}
