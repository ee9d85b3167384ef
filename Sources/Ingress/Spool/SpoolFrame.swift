/// Record framing inside a segment: `length u32 | crc32c u32 | payload`, little-endian. The CRC
/// covers the length bytes and the payload, so a torn or garbled length is caught too.
enum SpoolFrame {
    static let headerSize = 8

    static func append(payload: [UInt8], to buffer: inout [UInt8]) {
        let length = UInt32(payload.count)
        var crc = withUnsafeBytes(of: length.littleEndian) { CRC32C.checksum($0) }
        crc = payload.withUnsafeBytes { CRC32C.checksum($0, continuing: crc) }
        buffer.appendInteger(length)
        buffer.appendInteger(crc)
        buffer.append(contentsOf: payload)
    }

    enum ScanResult {
        /// A valid frame: the payload range and the offset just past it.
        case record(payload: Range<Int>, next: Int)
        /// Clean end of data.
        case end
        /// A torn or corrupt frame starting at the given offset.
        case invalid(reason: String)
    }

    /// Reads the frame at `offset` in `bytes`.
    static func scan(_ bytes: UnsafeRawBufferPointer, at offset: Int, maxPayload: Int) -> ScanResult {
        let available = bytes.count - offset
        if available == 0 { return .end }
        guard available >= headerSize else { return .invalid(reason: "truncated frame header") }
        let length = Int(UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt32.self)))
        let stored = UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: offset + 4, as: UInt32.self))
        guard length <= maxPayload else { return .invalid(reason: "frame length \(length) over the limit") }
        guard available - headerSize >= length else { return .invalid(reason: "truncated frame payload") }
        let payload = offset + headerSize..<offset + headerSize + length
        var crc = CRC32C.checksum(UnsafeRawBufferPointer(rebasing: bytes[offset..<offset + 4]))
        crc = CRC32C.checksum(UnsafeRawBufferPointer(rebasing: bytes[payload]), continuing: crc)
        guard crc == stored else { return .invalid(reason: "CRC mismatch") }
        return .record(payload: payload, next: payload.upperBound)
    }
}
