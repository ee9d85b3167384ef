/// A consumed record's headers, copied out of librdkafka into one buffer and decoded only when read.
///
/// Most consumers never look at most records' headers; copying each key and value into its own
/// allocation on the poll thread cost more than decoding the record's value.
/// Layout per header: key length (UInt32 LE), key bytes, value length (Int32 LE, -1 = null), value bytes.
struct PackedKafkaHeaders: Sendable, Hashable {
    private(set) var bytes: [UInt8]

    init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// Packs `headers` (for tests and for building messages by hand).
    init(_ headers: [KafkaHeader]) {
        var bytes: [UInt8] = []
        for header in headers {
            Self.append(key: Array(header.key.utf8), value: header.value, to: &bytes)
        }
        self.bytes = bytes
    }

    /// Bytes `append` adds for one header.
    static func size(keyCount: Int, valueCount: Int?) -> Int {
        8 + keyCount + (valueCount ?? 0)
    }

    static func append(key: some Collection<UInt8>, value: (some Collection<UInt8>)?, to bytes: inout [UInt8]) {
        appendLength(UInt32(truncatingIfNeeded: key.count), to: &bytes)
        bytes.append(contentsOf: key)
        if let value {
            appendLength(UInt32(truncatingIfNeeded: value.count), to: &bytes)
            bytes.append(contentsOf: value)
        } else {
            appendLength(UInt32.max, to: &bytes)
        }
    }

    private static func appendLength(_ length: UInt32, to bytes: inout [UInt8]) {
        withUnsafeBytes(of: length.littleEndian) { bytes.append(contentsOf: $0) }
    }

    var headers: [KafkaHeader] {
        var result: [KafkaHeader] = []
        var index = 0
        let end = bytes.count
        while index + 4 <= end {
            let keyCount = Int(readLength(at: index))
            index += 4
            let key = String(decoding: bytes[index..<index + keyCount], as: UTF8.self)
            index += keyCount
            let valueLength = readLength(at: index)
            index += 4
            if valueLength == UInt32.max {
                result.append(KafkaHeader(key: key, value: nil))
            } else {
                let valueCount = Int(valueLength)
                result.append(KafkaHeader(key: key, value: Array(bytes[index..<index + valueCount])))
                index += valueCount
            }
        }
        return result
    }

    private func readLength(at index: Int) -> UInt32 {
        UInt32(bytes[index]) | UInt32(bytes[index + 1]) << 8 | UInt32(bytes[index + 2]) << 16
            | UInt32(bytes[index + 3]) << 24
    }
}
