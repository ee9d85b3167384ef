import PostgresNIO

/// Rows in PostgreSQL's `COPY … FROM STDIN` text format: tab-separated columns, one line per row,
/// `\N` for NULL, and backslash, tab, newline and carriage return escaped with a backslash.
///
/// PostgreSQL text cannot hold NUL: a text column gets U+FFFD in its place (the columns are for
/// queries; the event's exact bytes are in `payload`). The payload goes in the form `jsonb` can
/// hold (``PostgresJSONB``).
///
/// The sink stages each batch with COPY instead of a multi-row `INSERT … VALUES`: no statement of
/// fourteen thousand parameters to build, parse and plan per thousand rows.
struct PostgresCopyText: SinkRowWriter {
    private(set) var buffer: ByteBuffer
    private var columnsInRow = 0

    init(capacity: Int) {
        buffer = ByteBufferAllocator().buffer(capacity: capacity)
    }

    mutating func text(_ value: String?) {
        separator()
        guard var value else {
            buffer.writeStaticString("\\N")
            return
        }
        value.withUTF8 { append(escaping: $0) }
    }

    mutating func eventJSON(_ bytes: [UInt8]) {
        separator()
        let stored = PostgresJSONB.canHold(bytes) ? bytes : PostgresJSONB.stringLiteral(bytes)
        stored.withUnsafeBufferPointer { append(escaping: $0) }
    }

    mutating func integer(_ value: Int64?) {
        separator()
        guard let value else {
            buffer.writeStaticString("\\N")
            return
        }
        // Digits straight into the buffer: `String(value)` allocates, seven times a row.
        var magnitude = value.magnitude
        if value < 0 { buffer.writeInteger(UInt8(ascii: "-")) }
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { digits in
            var start = digits.count
            repeat {
                start -= 1
                digits[start] = UInt8(ascii: "0") &+ UInt8(magnitude % 10)
                magnitude /= 10
            } while magnitude > 0
            buffer.writeBytes(UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: digits[start...])))
        }
    }

    mutating func boolean(_ value: Bool) {
        separator()
        buffer.writeInteger(value ? UInt8(ascii: "t") : UInt8(ascii: "f"))
    }

    mutating func endRow() {
        buffer.writeInteger(UInt8(ascii: "\n"))
        columnsInRow = 0
    }

    private mutating func separator() {
        if columnsInRow > 0 { buffer.writeInteger(UInt8(ascii: "\t")) }
        columnsInRow += 1
    }

    private mutating func append(escaping bytes: UnsafeBufferPointer<UInt8>) {
        var start = 0
        for index in bytes.indices {
            let escaped: UInt8
            switch bytes[index] {
            case UInt8(ascii: "\\"): escaped = UInt8(ascii: "\\")
            case UInt8(ascii: "\t"): escaped = UInt8(ascii: "t")
            case UInt8(ascii: "\n"): escaped = UInt8(ascii: "n")
            case UInt8(ascii: "\r"): escaped = UInt8(ascii: "r")
            case 0:
                buffer.writeBytes(UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: bytes[start..<index])))
                buffer.writeBytes([0xEF, 0xBF, 0xBD])
                start = index + 1
                continue
            default: continue
            }
            buffer.writeBytes(UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: bytes[start..<index])))
            buffer.writeInteger(UInt8(ascii: "\\"))
            buffer.writeInteger(escaped)
            start = index + 1
        }
        buffer.writeBytes(UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: bytes[start...])))
    }
}
