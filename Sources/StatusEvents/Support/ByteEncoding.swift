/// Small allocation-light encoders used on the hot path (no Foundation).
enum ByteEncoding {
    private static let base64Alphabet: [UInt8] = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
    private static let hexAlphabet: [UInt8] = Array("0123456789abcdef".utf8)

    /// Standard base64 with padding, appended to `output`.
    static func base64(_ bytes: UnsafeRawBufferPointer, into output: inout [UInt8]) {
        var index = 0
        let count = bytes.count
        while index + 3 <= count {
            let value = UInt32(bytes[index]) << 16 | UInt32(bytes[index + 1]) << 8 | UInt32(bytes[index + 2])
            output.append(base64Alphabet[Int(value >> 18 & 63)])
            output.append(base64Alphabet[Int(value >> 12 & 63)])
            output.append(base64Alphabet[Int(value >> 6 & 63)])
            output.append(base64Alphabet[Int(value & 63)])
            index += 3
        }
        let remaining = count - index
        if remaining == 1 {
            let value = UInt32(bytes[index]) << 16
            output.append(base64Alphabet[Int(value >> 18 & 63)])
            output.append(base64Alphabet[Int(value >> 12 & 63)])
            output.append(UInt8(ascii: "="))
            output.append(UInt8(ascii: "="))
        } else if remaining == 2 {
            let value = UInt32(bytes[index]) << 16 | UInt32(bytes[index + 1]) << 8
            output.append(base64Alphabet[Int(value >> 18 & 63)])
            output.append(base64Alphabet[Int(value >> 12 & 63)])
            output.append(base64Alphabet[Int(value >> 6 & 63)])
            output.append(UInt8(ascii: "="))
        }
    }

    /// Lower-case hex.
    static func hex(_ bytes: UnsafeRawBufferPointer) -> String {
        String(unsafeUninitializedCapacity: bytes.count * 2) { buffer in
            var index = 0
            for byte in bytes {
                buffer[index] = hexAlphabet[Int(byte >> 4)]
                buffer[index + 1] = hexAlphabet[Int(byte & 15)]
                index += 2
            }
            return index
        }
    }

    /// Compares in time that depends only on the lengths.
    static func constantTimeEqual(_ lhs: some Collection<UInt8>, _ rhs: some Collection<UInt8>) -> Bool {
        guard lhs.count == rhs.count else { return false }
        var difference: UInt8 = 0
        for (left, right) in zip(lhs, rhs) { difference |= left ^ right }
        return difference == 0
    }
}
