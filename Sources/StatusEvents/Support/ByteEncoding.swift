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

    /// Whether standard padded base64 of `bytes` equals `expected`, in time that depends only on
    /// the lengths. The encoding is written to the stack, not the heap.
    static func base64ConstantTimeEquals(_ bytes: UnsafeRawBufferPointer, _ expected: UnsafeBufferPointer<UInt8>) -> Bool {
        let length = (bytes.count + 2) / 3 * 4
        guard expected.count == length else { return false }
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: max(length, 1)) { buffer in
            var written = 0
            func put(_ value: UInt32, _ count: Int) {
                for offset in 0..<4 {
                    buffer[written + offset] = offset < count ? base64Alphabet[Int(value >> (18 - 6 * UInt32(offset)) & 63)] : UInt8(ascii: "=")
                }
                written += 4
            }
            var index = 0
            while index + 3 <= bytes.count {
                put(UInt32(bytes[index]) << 16 | UInt32(bytes[index + 1]) << 8 | UInt32(bytes[index + 2]), 4)
                index += 3
            }
            switch bytes.count - index {
            case 1: put(UInt32(bytes[index]) << 16, 2)
            case 2: put(UInt32(bytes[index]) << 16 | UInt32(bytes[index + 1]) << 8, 3)
            default: break
            }
            var difference: UInt8 = 0
            for index in 0..<length { difference |= buffer[index] ^ expected[index] }
            return difference == 0
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

    /// Copies `count` bytes a word at a time: the hot path copies many short strings, for which a
    /// `memmove` call costs more than the copy.
    @inline(__always)
    static func copy(_ source: UnsafePointer<UInt8>, to destination: UnsafeMutablePointer<UInt8>, count: Int) {
        var offset = 0
        while offset + 8 <= count {
            let word = UnsafeRawPointer(source + offset).loadUnaligned(as: UInt64.self)
            UnsafeMutableRawPointer(destination + offset).storeBytes(of: word, as: UInt64.self)
            offset += 8
        }
        while offset < count {
            destination[offset] = source[offset]
            offset += 1
        }
    }

    /// Whether `count` bytes at `lhs` and `rhs` are equal, compared a word at a time (not constant
    /// time: for matching names, never secrets).
    @inline(__always)
    static func equal(_ lhs: UnsafePointer<UInt8>, _ rhs: UnsafePointer<UInt8>, count: Int) -> Bool {
        var offset = 0
        while offset + 8 <= count {
            let left = UnsafeRawPointer(lhs + offset).loadUnaligned(as: UInt64.self)
            let right = UnsafeRawPointer(rhs + offset).loadUnaligned(as: UInt64.self)
            guard left == right else { return false }
            offset += 8
        }
        while offset < count {
            guard lhs[offset] == rhs[offset] else { return false }
            offset += 1
        }
        return true
    }

    /// Compares in time that depends only on the lengths.
    static func constantTimeEqual(_ lhs: some Collection<UInt8>, _ rhs: some Collection<UInt8>) -> Bool {
        guard lhs.count == rhs.count else { return false }
        var difference: UInt8 = 0
        for (left, right) in zip(lhs, rhs) { difference |= left ^ right }
        return difference == 0
    }
}
