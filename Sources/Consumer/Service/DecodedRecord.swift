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
        /// `encoded`: the record's JSON, for the sinks to reuse; nil when it spans lines.
        case event(StatusEvent, encoded: [UInt8]?)
        /// Kept whole for the dead-letter topic.
        case undecodable(KafkaConsumerMessage, reason: String)
    }

    var partition: Int32
    var offset: Int64
    var content: Content

    init(_ message: KafkaConsumerMessage) {
        partition = message.partition
        offset = message.offset
        do {
            let event = try StatusEventCodec.decode(message.value)
            content = .event(event, encoded: Self.isSingleLine(message.value) ? message.value : nil)
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
