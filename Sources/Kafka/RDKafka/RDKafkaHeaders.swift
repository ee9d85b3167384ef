import CRdKafka
import Foundation

/// Converts between ``KafkaHeader`` and `rd_kafka_headers_t`.
enum RDKafkaHeaders {
    /// A new header list the caller owns (ownership passes to librdkafka on a successful produce).
    static func make(_ headers: [KafkaHeader]) -> OpaquePointer? {
        guard !headers.isEmpty, let list = rd_kafka_headers_new(headers.count) else { return nil }
        for header in headers {
            if let value = header.value {
                value.withUnsafeBytes { bytes in
                    _ = rd_kafka_header_add(list, header.key, -1, bytes.baseAddress, bytes.count)
                }
            } else {
                _ = rd_kafka_header_add(list, header.key, -1, nil, 0)
            }
        }
        return list
    }

    /// Copies a consumed message's headers into one buffer: two passes, one allocation.
    static func readPacked(_ message: UnsafePointer<rd_kafka_message_t>) -> PackedKafkaHeaders {
        var list: OpaquePointer?
        guard rd_kafka_message_headers(message, &list) == RD_KAFKA_RESP_ERR_NO_ERROR, let list else {
            return PackedKafkaHeaders(bytes: [])
        }
        var total = 0
        var index = 0
        while let header = header(list, index) {
            total += PackedKafkaHeaders.size(keyCount: strlen(header.name), valueCount: header.value.map { _ in header.size })
            index += 1
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(total)
        for position in 0..<index {
            guard let header = header(list, position) else { break }
            let key = UnsafeRawBufferPointer(start: header.name, count: strlen(header.name))
            PackedKafkaHeaders.append(
                key: key, value: header.value.map { UnsafeRawBufferPointer(start: $0, count: header.size) }, to: &bytes
            )
        }
        return PackedKafkaHeaders(bytes: bytes)
    }

    private static func header(
        _ list: OpaquePointer, _ index: Int
    ) -> (name: UnsafePointer<CChar>, value: UnsafeRawPointer?, size: Int)? {
        var name: UnsafePointer<CChar>?
        var value: UnsafeRawPointer?
        var size = 0
        guard rd_kafka_header_get_all(list, index, &name, &value, &size) == RD_KAFKA_RESP_ERR_NO_ERROR, let name else {
            return nil
        }
        return (name, value, size)
    }
}
