/// The RFC 2822 date-time Twilio's REST API writes (`Fri, 24 May 2019 17:44:46 +0000`), without
/// Foundation.
///
/// Accepted: an optional day name with its comma, day (1-2 digits), English month abbreviation, a
/// 4-digit year, `hh:mm[:ss]`, and a zone `±hhmm`, `GMT`, `UT` or `Z`. Anything else is nil: a
/// value we cannot read is never guessed.
public enum RFC2822Date {
    static let months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]

    /// Milliseconds since the Unix epoch, or nil when `text` is not such a date.
    public static func milliseconds(_ text: String) -> Int64? {
        // Bounded: a real value is 31 characters.
        guard text.utf8.count <= 64 else { return nil }
        var fields = text.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        if let first = fields.first, first.hasSuffix(",") { fields.removeFirst() }
        guard fields.count == 5 else { return nil }
        guard let day = number(fields[0], digits: 1...2), (1...31).contains(day) else { return nil }
        guard let monthIndex = months.firstIndex(of: fields[1].lowercased()) else { return nil }
        guard let year = number(fields[2], digits: 4...4) else { return nil }
        let month = monthIndex + 1
        guard day <= UTCTime.daysInMonth(year: year, month: month) else { return nil }
        let clock = fields[3].split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        guard clock.count == 2 || clock.count == 3,
            let hour = number(clock[0], digits: 2...2), hour < 24,
            let minute = number(clock[1], digits: 2...2), minute < 60
        else { return nil }
        var second = 0
        if clock.count == 3 {
            guard let value = number(clock[2], digits: 2...2), value <= 60 else { return nil }
            second = min(value, 59)  // a leap second reads as the second before it
        }
        guard let offset = zoneOffsetSeconds(fields[4]) else { return nil }
        let days = Int64(UTCTime.daysFromCivil(year: year, month: month, day: day))
        let seconds = days * 86400 + Int64(hour * 3600 + minute * 60 + second) - Int64(offset)
        return seconds * 1000
    }

    private static func number(_ text: String, digits: ClosedRange<Int>) -> Int? {
        let utf8 = text.utf8
        guard digits.contains(utf8.count), utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else {
            return nil
        }
        return Int(text)
    }

    private static func zoneOffsetSeconds(_ zone: String) -> Int? {
        switch zone.uppercased() {
        case "GMT", "UT", "UTC", "Z": return 0
        default: break
        }
        let utf8 = Array(zone.utf8)
        guard utf8.count == 5, utf8[0] == UInt8(ascii: "+") || utf8[0] == UInt8(ascii: "-"),
            let hours = number(String(zone.dropFirst().prefix(2)), digits: 2...2),
            let minutes = number(String(zone.suffix(2)), digits: 2...2), minutes < 60
        else { return nil }
        let offset = hours * 3600 + minutes * 60
        return utf8[0] == UInt8(ascii: "-") ? -offset : offset
    }
}
