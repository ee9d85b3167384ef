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
        case undecodable(KafkaConsumerMessage, reason: String)
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
        do {
            let singleLine = Self.isSingleLine(message.value)
            if summaryOnly, singleLine {
                let summary = try StatusEventCodec.decodeSummary(message.value)
                content = .event(StatusEventBox(summary: summary, encoded: message.value))
            } else {
                // A record spanning lines is encoded again for the sinks, so it needs every field.
                let event = try StatusEventCodec.decode(message.value)
                content = .event(StatusEventBox(event, encoded: singleLine ? message.value : nil))
            }
        } catch {
            content = .undecodable(message, reason: "\(error)")
        }
    }

    /// JSON lines need the object on one line; a producer may have pretty-printed it.
    private static func isSingleLine(_ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBytes { buffer in
            guard let base = buffer.baseAddress else { return true }
            return memchr(base, 0x0A, buffer.count) == nil && memchr(base, 0x0D, buffer.count) == nil
        }
    }
}
