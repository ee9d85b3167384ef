/// Twilio's `RawDlrDoneDate`: the carrier's delivery-receipt done time, in one of two forms.
///
/// - Status callbacks: `YYMMDDhhmm` with **no time zone**. Twilio's changelog (Feb 2023) says the
///   offset varies between carrier partners and even within one carrier, so it is the carrier's
///   local wall-clock minute, not an instant: no `dlrDoneAt`, never a latency.
/// - Event Streams: ISO-8601 with a zone (`2024-05-29T10:57:57.563495225Z`): a real instant.
public enum DlrDoneDate {
    public enum Reading: Sendable, Hashable {
        /// A zoned ISO-8601 time: milliseconds since the Unix epoch.
        case instant(Int64)
        /// A valid `YYMMDDhhmm` minute in the carrier's unknown zone, as `2026-11-29T13:40`.
        case carrierLocal(String)
    }

    /// How `raw` reads, or nil when it is neither form.
    public static func read(_ raw: String) -> Reading? {
        if let minute = carrierLocalMinute(raw) { return .carrierLocal(minute) }
        if let milliseconds = ISO8601Instant.milliseconds(raw) { return .instant(milliseconds) }
        return nil
    }

    /// The event's `dlrDoneAt`: the instant in UTC with milliseconds (`2024-05-29T10:57:57.563Z`)
    /// when `raw` names its zone, else nil.
    static func dlrDoneAt(_ reading: Reading?) -> String? {
        guard case .instant(let milliseconds)? = reading else { return nil }
        return UTCTime.rfc3339(milliseconds: milliseconds)
    }

    /// The carrier-local minute of a `YYMMDDhhmm` value without a zone (`2026-11-29T13:40`), or nil
    /// unless the text is exactly ten digits forming a real date and time. Years are 20YY.
    public static func carrierLocalMinute(_ raw: String) -> String? {
        guard raw.utf8.count == 10 else { return nil }
        let digits = Array(raw.utf8)
        guard digits.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else { return nil }
        func number(_ offset: Int) -> Int { Int(digits[offset] - 48) * 10 + Int(digits[offset + 1] - 48) }
        let year = 2000 + number(0)
        let month = number(2)
        let day = number(4)
        let hour = number(6)
        let minute = number(8)
        guard (1...12).contains(month), day >= 1, day <= UTCTime.daysInMonth(year: year, month: month),
            hour < 24, minute < 60
        else { return nil }
        return "\(year)-\(UTCTime.pad(month, 2))-\(UTCTime.pad(day, 2))T\(UTCTime.pad(hour, 2)):\(UTCTime.pad(minute, 2))"
    }
}
