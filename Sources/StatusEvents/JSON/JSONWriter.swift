/// Appends compact JSON to a growable raw buffer (no Foundation; the event encoder's hot path).
/// Non-copyable so the buffer has exactly one owner; `Array` appends cost too much per call here.
struct JSONWriter: ~Copyable {
    private var storage: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    /// False while writing into a caller's scratch buffer.
    private var ownsStorage = true
    private(set) var count = 0

    init(capacity: Int = 256) {
        self.capacity = max(capacity, 16)
        storage = .allocate(capacity: self.capacity)
    }

    /// Writes into `scratch` until it is full, then continues on the heap. The writer must not
    /// outlive `scratch`.
    private init(scratch: UnsafeMutableBufferPointer<UInt8>) {
        storage = scratch.baseAddress!
        capacity = scratch.count
        ownsStorage = false
    }

    /// Runs `body` with a writer that starts in a stack buffer of `capacity` bytes: no heap
    /// allocation for output that fits.
    static func withStackBuffer<R>(capacity: Int, _ body: (inout JSONWriter) -> R) -> R {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: max(capacity, 16)) { scratch in
            var writer = JSONWriter(scratch: scratch)
            return body(&writer)
        }
    }

    deinit { if ownsStorage { storage.deallocate() } }

    var bytes: [UInt8] { Array(UnsafeBufferPointer(start: storage, count: count)) }

    var string: String { String(decoding: UnsafeBufferPointer(start: storage, count: count), as: UTF8.self) }

    func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) -> R) -> R {
        body(UnsafeRawBufferPointer(start: storage, count: count))
    }

    @inline(__always)
    private mutating func reserve(_ extra: Int) {
        if count + extra > capacity { grow(extra) }
    }

    @inline(never)
    private mutating func grow(_ extra: Int) {
        let newCapacity = max(capacity * 2, count + extra)
        let newStorage = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
        newStorage.update(from: storage, count: count)
        if ownsStorage { storage.deallocate() }
        ownsStorage = true
        storage = newStorage
        capacity = newCapacity
    }

    @inline(__always)
    private mutating func append(_ buffer: UnsafeBufferPointer<UInt8>) {
        guard let base = buffer.baseAddress, buffer.count > 0 else { return }
        reserve(buffer.count)
        ByteEncoding.copy(base, to: storage + count, count: buffer.count)
        count += buffer.count
    }

    @inline(__always)
    mutating func raw(_ text: StaticString) {
        append(UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    @inline(__always)
    mutating func byte(_ value: UInt8) {
        reserve(1)
        storage[count] = value
        count += 1
    }

    mutating func integer<T: BinaryInteger>(_ value: T) {
        guard let number = Int64(exactly: value) else {
            var text = String(value)
            text.withUTF8 { append($0) }
            return
        }
        reserve(20)
        if number < 0 { byte(UInt8(ascii: "-")) }
        // Digits backwards into a small stack buffer, then forwards into the output.
        var magnitude = number.magnitude
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { digits in
            var position = 20
            repeat {
                position -= 1
                digits[position] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
            } while magnitude > 0
            append(UnsafeBufferPointer(rebasing: digits[position..<20]))
        }
    }

    mutating func string(_ value: String) {
        value.withUTF8Bytes { appendQuoted($0) }
    }

    /// Writes a string's bytes quoted and escaped. Capacity for the worst case is reserved first,
    /// so clean 8-byte words are stored whole and no byte needs a capacity check.
    private mutating func appendQuoted(_ utf8: UnsafeBufferPointer<UInt8>) {
        let length = utf8.count
        // The quotes, and every byte as `\u00XX` at worst, plus a word of slack.
        reserve(length * 6 + 10)
        var out = storage + count
        out.pointee = UInt8(ascii: "\"")
        out += 1
        guard let source = utf8.baseAddress, length > 0 else {
            out.pointee = UInt8(ascii: "\"")
            count = out + 1 - storage
            return
        }
        var index = 0
        @inline(__always)
        func put(_ byte: UInt8) {
            if byte >= 0x20 && byte != 0x22 && byte != 0x5C {
                out.pointee = byte
                out += 1
                return
            }
            out[0] = UInt8(ascii: "\\")
            switch byte {
            case 0x22: out[1] = 0x22
            case 0x5C: out[1] = 0x5C
            case 0x0A: out[1] = UInt8(ascii: "n")
            case 0x0D: out[1] = UInt8(ascii: "r")
            case 0x09: out[1] = UInt8(ascii: "t")
            case 0x08: out[1] = UInt8(ascii: "b")
            case 0x0C: out[1] = UInt8(ascii: "f")
            default:
                out[1] = UInt8(ascii: "u")
                out[2] = UInt8(ascii: "0")
                out[3] = UInt8(ascii: "0")
                out[4] = Self.hexDigit(byte >> 4)
                out[5] = Self.hexDigit(byte & 15)
                out += 6
                return
            }
            out += 2
        }
        while index + 8 <= length {
            let word = UnsafeRawPointer(source + index).loadUnaligned(as: UInt64.self)
            UnsafeMutableRawPointer(out).storeBytes(of: word, as: UInt64.self)
            if Self.escapeHits(word) == 0 {
                out += 8
            } else {
                for offset in 0..<8 { put(source[index + offset]) }
            }
            index += 8
        }
        // The last 1...7 bytes are checked as one word too (most names and many values are
        // shorter than 8 bytes or end mid-word): the word ending at the last byte when the string
        // is that long, else the bytes gathered into a zero-padded word. The padding counts as
        // control bytes, so only the string's own lanes are looked at (a false positive only ever
        // sits above a real hit).
        let tail = length - index
        if tail > 0 {
            // Lanes in memory order: byte `i` of the string is bits 8i..<8i+8.
            let word: UInt64
            let clean: Bool
            if length >= 8 {
                let last = UInt64(littleEndian: UnsafeRawPointer(source + length - 8).loadUnaligned(as: UInt64.self))
                word = last >> (8 * UInt64(8 - tail))
                clean = Self.escapeHits(last) == 0
            } else {
                var gathered: UInt64 = 0
                for offset in 0..<tail { gathered |= UInt64(source[offset]) << (8 * UInt64(offset)) }
                word = gathered
                clean = Self.escapeHits(gathered) & (1 << (8 * UInt64(tail)) - 1) == 0
            }
            if clean {
                UnsafeMutableRawPointer(out).storeBytes(of: word.littleEndian, as: UInt64.self)
                out += tail
            } else {
                while index < length {
                    put(source[index])
                    index += 1
                }
            }
        }
        out.pointee = UInt8(ascii: "\"")
        count = out + 1 - storage
    }

    /// The high bit of each byte of `word` that is < 0x20, `"` or `\\` (SWAR; a false positive
    /// only ever sits above a real hit).
    @inline(__always)
    private static func escapeHits(_ word: UInt64) -> UInt64 {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let quote = word ^ (ones &* 0x22)
        let backslash = word ^ (ones &* 0x5C)
        let control = (word &- ones &* 0x20) & ~word
        let zeroQuote = (quote &- ones) & ~quote
        let zeroBackslash = (backslash &- ones) & ~backslash
        return (control | zeroQuote | zeroBackslash) & 0x8080_8080_8080_8080
    }

    @inline(__always)
    private static func hexDigit(_ value: UInt8) -> UInt8 {
        value < 10 ? UInt8(ascii: "0") + value : UInt8(ascii: "a") + value - 10
    }

    mutating func optionalString(_ value: String?) {
        if let value { string(value) } else { raw("null") }
    }

    mutating func write(_ value: JSONValue) {
        switch value {
        case .null: raw("null")
        case .bool(let flag): if flag { raw("true") } else { raw("false") }
        case .number(let text):
            var text = text
            text.withUTF8 { append($0) }
        case .string(let text): string(text)
        case .array(let elements):
            byte(UInt8(ascii: "["))
            for (offset, element) in elements.enumerated() {
                if offset > 0 { byte(UInt8(ascii: ",")) }
                write(element)
            }
            byte(UInt8(ascii: "]"))
        case .object(let members):
            byte(UInt8(ascii: "{"))
            for (offset, member) in members.enumerated() {
                if offset > 0 { byte(UInt8(ascii: ",")) }
                string(member.key)
                byte(UInt8(ascii: ":"))
                write(member.value)
            }
            byte(UInt8(ascii: "}"))
        }
    }
}
