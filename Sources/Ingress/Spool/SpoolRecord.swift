/// One spooled message: everything needed to publish it to Kafka later.
package struct SpoolRecord: Sendable, Hashable {
    package struct Header: Sendable, Hashable {
        package var key: String
        package var value: [UInt8]?
        package init(key: String, value: [UInt8]?) {
            self.key = key
            self.value = value
        }
    }

    package var topic: String
    package var key: [UInt8]?
    package var value: [UInt8]
    package var headers: [Header]
    /// When the record was spooled, milliseconds since the Unix epoch (oldest-age metric).
    package var timestampMs: Int64

    package init(topic: String, key: [UInt8]?, value: [UInt8], headers: [Header], timestampMs: Int64) {
        self.topic = topic
        self.key = key
        self.value = value
        self.headers = headers
        self.timestampMs = timestampMs
    }
}

extension SpoolRecord {
    static let formatVersion: UInt8 = 1

    /// Binary payload: version u8, timestamp i64, topic (u16 len), key (i32 len, -1 = none),
    /// value (u32 len), headers (u16 count; u16 key len, key, i32 value len (-1 = none), value). Little-endian.
    func encode(into buffer: inout [UInt8]) {
        buffer.append(Self.formatVersion)
        buffer.appendInteger(timestampMs)
        buffer.appendInteger(UInt16(truncatingIfNeeded: topic.utf8.count))
        buffer.append(contentsOf: topic.utf8)
        if let key {
            buffer.appendInteger(Int32(key.count))
            buffer.append(contentsOf: key)
        } else {
            buffer.appendInteger(Int32(-1))
        }
        buffer.appendInteger(UInt32(value.count))
        buffer.append(contentsOf: value)
        buffer.appendInteger(UInt16(truncatingIfNeeded: headers.count))
        for header in headers {
            buffer.appendInteger(UInt16(truncatingIfNeeded: header.key.utf8.count))
            buffer.append(contentsOf: header.key.utf8)
            if let value = header.value {
                buffer.appendInteger(Int32(value.count))
                buffer.append(contentsOf: value)
            } else {
                buffer.appendInteger(Int32(-1))
            }
        }
    }

    /// Upper bound of the encoded size, used to reject oversize records before encoding.
    var encodedSizeEstimate: Int {
        1 + 8 + 2 + topic.utf8.count + 4 + (key?.count ?? 0) + 4 + value.count + 2
            + headers.reduce(0) { $0 + 2 + $1.key.utf8.count + 4 + ($1.value?.count ?? 0) }
    }

    /// Decodes a payload written by `encode`; nil when it is malformed.
    static func decode(_ bytes: UnsafeRawBufferPointer) -> SpoolRecord? {
        var reader = ByteReader(bytes)
        guard reader.readInteger(UInt8.self) == formatVersion,
            let timestamp = reader.readInteger(Int64.self),
            let topicLength = reader.readInteger(UInt16.self),
            let topic = reader.readString(Int(topicLength)),
            let keyLength = reader.readInteger(Int32.self)
        else { return nil }
        var key: [UInt8]?
        if keyLength >= 0 {
            guard let bytes = reader.readBytes(Int(keyLength)) else { return nil }
            key = bytes
        }
        guard let valueLength = reader.readInteger(UInt32.self), let value = reader.readBytes(Int(valueLength)),
            let headerCount = reader.readInteger(UInt16.self)
        else { return nil }
        var headers: [Header] = []
        headers.reserveCapacity(Int(headerCount))
        for _ in 0..<headerCount {
            guard let nameLength = reader.readInteger(UInt16.self), let name = reader.readString(Int(nameLength)),
                let valueLength = reader.readInteger(Int32.self)
            else { return nil }
            var headerValue: [UInt8]?
            if valueLength >= 0 {
                guard let bytes = reader.readBytes(Int(valueLength)) else { return nil }
                headerValue = bytes
            }
            headers.append(Header(key: name, value: headerValue))
        }
        guard reader.isAtEnd else { return nil }
        return SpoolRecord(topic: topic, key: key, value: value, headers: headers, timestampMs: timestamp)
    }
}
