import Kafka

/// A record for the dead-letter topic, in a form that fits.
///
/// The record keeps the original key, value and headers, and adds `statusrelay-dlq-*` headers:
/// `reason`, `kind` (`undecodable`, `key_mismatch`, `rejected`), `source` (`topic/partition/offset`)
/// and, for an event a sink refused, `sink` and `event-id`. When the whole would exceed `maxBytes`
/// (key, value and headers), the original headers are dropped, the key is cut to
/// ``maximumTruncatedKeyBytes`` and the value to what is left, and `truncated: true`,
/// `original-size` (value bytes), `original-key-size` and `original-headers` (count) say so.
enum DeadLetterRecord {
    /// The default budget (`--dead-letter-max-bytes`): below librdkafka's 1,000,000-byte `message.max.bytes`.
    static let defaultMaxBytes = 900_000
    /// The smallest budget: room for our own headers and a little of the value.
    static let minimumBytes = 4096
    static let maximumTruncatedKeyBytes = 256
    /// Per-header and per-record framing, counted generously (varints, attributes, lengths).
    static let headerOverhead = 16
    static let recordOverhead = 128
    /// Longest value of an `extra` header kept (an event id from the topic can be anything).
    static let maximumExtraHeaderBytes = 512
    /// Longest reason kept in the header.
    static let maximumReasonCharacters = 500

    enum Kind: String, Sendable {
        case undecodable
        case keyMismatch = "key_mismatch"
        case rejected
    }

    struct Source: Sendable, Hashable {
        var topic: String
        var partition: Int32
        var offset: Int64
    }

    static func make(
        topic: String, key: [UInt8]?, value: [UInt8], originalHeaders: [KafkaHeader], kind: Kind, reason: String,
        source: Source, extra: [KafkaHeader] = [], maxBytes: Int
    ) -> KafkaProducerMessage {
        var headers = [
            KafkaHeader(key: "statusrelay-dlq-reason", string: String(reason.prefix(maximumReasonCharacters))),
            KafkaHeader(key: "statusrelay-dlq-kind", string: kind.rawValue),
            KafkaHeader(key: "statusrelay-dlq-source", string: "\(source.topic)/\(source.partition)/\(source.offset)"),
        ] + extra.map { KafkaHeader(key: $0.key, value: $0.value.map { Array($0.prefix(maximumExtraHeaderBytes)) }) }
        let ownSize = size(of: headers)
        let budget = max(minimumBytes, maxBytes)
        if recordOverhead + (key?.count ?? 0) + value.count + size(of: originalHeaders) + ownSize <= budget {
            return KafkaProducerMessage(topic: topic, key: key, value: value, headers: originalHeaders + headers)
        }
        headers += [
            KafkaHeader(key: "statusrelay-dlq-truncated", string: "true"),
            KafkaHeader(key: "statusrelay-dlq-original-size", string: String(value.count)),
            KafkaHeader(key: "statusrelay-dlq-original-key-size", string: key.map { String($0.count) } ?? "null"),
            KafkaHeader(key: "statusrelay-dlq-original-headers", string: String(originalHeaders.count)),
        ]
        let cutKey = key.map { Array($0.prefix(maximumTruncatedKeyBytes)) }
        let room = max(0, budget - recordOverhead - size(of: headers) - (cutKey?.count ?? 0))
        return KafkaProducerMessage(topic: topic, key: cutKey, value: Array(value.prefix(room)), headers: headers)
    }

    /// `message` with its value cut so that the whole fits `maxBytes`, its headers and key kept (for a
    /// producer whose headers are small and whose key is a MessageSid, e.g. the HTTP sink's).
    static func truncatingValue(of message: KafkaProducerMessage, maxBytes: Int) -> KafkaProducerMessage {
        let fixed = recordOverhead + (message.key?.count ?? 0) + size(of: message.headers)
        guard fixed + message.value.count > maxBytes else { return message }
        var truncated = message
        truncated.headers += [
            KafkaHeader(key: "statusrelay-dlq-truncated", string: "true"),
            KafkaHeader(key: "statusrelay-dlq-original-size", string: String(message.value.count)),
        ]
        truncated.value = Array(message.value.prefix(max(0, maxBytes - recordOverhead - (message.key?.count ?? 0) - size(of: truncated.headers))))
        return truncated
    }

    static func size(of headers: [KafkaHeader]) -> Int {
        headers.reduce(0) { $0 + headerOverhead + $1.key.utf8.count + ($1.value?.count ?? 0) }
    }
}
