/// An ISO-8601 / RFC 3339 date-time that names its zone, as Event Streams writes it
/// (`2024-05-29T10:57:57.563495225Z`, `2026-11-29T14:40:05+01:00`), without Foundation.
///
/// Accepted: `YYYY-MM-DDThh:mm:ss`, an optional fraction of 1 to 9 digits (nanoseconds; kept to the
/// millisecond, truncated), and a zone `Z`/`z` or `±hh:mm`. `T` may be `t` or a space (RFC 3339).
/// Anything else, a time without a zone above all, is nil: a value whose instant we do not know is
/// never guessed.
public enum ISO8601Instant {
    /// Milliseconds since the Unix epoch, or nil when `text` is not such a date-time.
    public static func milliseconds(_ text: String) -> Int64? {
        // Bounded before copying: the accepted forms are 20 to 35 bytes.
        guard (20...35).contains(text.utf8.count) else { return nil }
        let bytes = Array(text.utf8)
        var index = 0
        func digits(_ count: Int) -> Int? {
            guard index + count <= bytes.count else { return nil }
            var value = 0
            for byte in bytes[index..<index + count] {
                guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
                value = value * 10 + Int(byte - UInt8(ascii: "0"))
            }
            index += count
            return value
        }
        func expect(_ allowed: UInt8...) -> Bool {
            guard index < bytes.count, allowed.contains(bytes[index]) else { return false }
            index += 1
            return true
        }
        guard let year = digits(4), expect(UInt8(ascii: "-")), let month = digits(2), expect(UInt8(ascii: "-")),
            let day = digits(2), expect(UInt8(ascii: "T"), UInt8(ascii: "t"), UInt8(ascii: " ")),
            let hour = digits(2), expect(UInt8(ascii: ":")), let minute = digits(2), expect(UInt8(ascii: ":")),
            let second = digits(2)
        else { return nil }
        guard (1...12).contains(month), day >= 1, day <= UTCTime.daysInMonth(year: year, month: month),
            hour < 24, minute < 60, second <= 60
        else { return nil }
        var millis = 0
        if expect(UInt8(ascii: ".")) {
            var count = 0
            while index < bytes.count, bytes[index] >= UInt8(ascii: "0"), bytes[index] <= UInt8(ascii: "9") {
                if count < 3 { millis = millis * 10 + Int(bytes[index] - UInt8(ascii: "0")) }
                count += 1
                index += 1
            }
            guard (1...9).contains(count) else { return nil }
            for _ in 0..<max(0, 3 - count) { millis *= 10 }
        }
        var offsetMinutes = 0
        if expect(UInt8(ascii: "Z"), UInt8(ascii: "z")) {
            offsetMinutes = 0
        } else if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") {
            let sign = bytes[index] == UInt8(ascii: "-") ? -1 : 1
            index += 1
            guard let hours = digits(2), hours < 24, expect(UInt8(ascii: ":")), let minutes = digits(2), minutes < 60 else {
                return nil
            }
            offsetMinutes = sign * (hours * 60 + minutes)
        } else {
            return nil
        }
        guard index == bytes.count else { return nil }
        // A leap second reads as the second before it.
        let seconds = Int64(UTCTime.daysFromCivil(year: year, month: month, day: day)) * 86_400
            + Int64(hour * 3600 + minute * 60 + min(second, 59) - offsetMinutes * 60)
        return seconds * 1000 + Int64(millis)
    }
}
