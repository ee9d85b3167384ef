/// Twilio's `RawDlrDoneDate`: the carrier's delivery-receipt time as `YYMMDDhhmm` (UTC).
public enum DlrDoneDate {
    /// The ISO-8601 UTC minute (`2026-11-29T13:40:00Z`), or nil unless the text is exactly ten
    /// digits forming a real date and time. Years are 20YY.
    public static func isoMinute(_ raw: String) -> String? {
        let digits = Array(raw.utf8)
        guard digits.count == 10, digits.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else { return nil }
        func number(_ offset: Int) -> Int { Int(digits[offset] - 48) * 10 + Int(digits[offset + 1] - 48) }
        let year = 2000 + number(0)
        let month = number(2)
        let day = number(4)
        let hour = number(6)
        let minute = number(8)
        guard (1...12).contains(month), day >= 1, day <= UTCTime.daysInMonth(year: year, month: month),
            hour < 24, minute < 60
        else { return nil }
        return "\(year)-\(UTCTime.pad(month, 2))-\(UTCTime.pad(day, 2))T\(UTCTime.pad(hour, 2)):\(UTCTime.pad(minute, 2)):00Z"
    }
}
