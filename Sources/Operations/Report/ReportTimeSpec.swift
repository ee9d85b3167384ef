import Foundation
import StatusRelayCore

/// Parses `--since`/`--until` values: an ISO-8601 time (`2026-11-29T13:00:00Z`, `2026-11-29`) or a
/// duration back from now (`24h`, `7d`, `90m`).
package enum ReportTimeSpec {
    /// Milliseconds since the Unix epoch, or nil when `text` is neither form.
    package static func parse(_ text: String, now: Int64) -> Int64? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if let days = parseDays(trimmed) {
            // `--since 99999999999999d` must be an error, not an overflow.
            let (milliseconds, overflow) = days.multipliedReportingOverflow(by: 86_400_000)
            let (time, underflow) = now.subtractingReportingOverflow(milliseconds)
            return overflow || underflow ? nil : time
        }
        if let duration = DurationFormat.parse(trimmed), trimmed.first?.isNumber == true,
            trimmed.contains(where: \.isLetter)
        {
            guard duration.components.seconds < Int64.max / 1000 else { return nil }
            let (time, underflow) = now.subtractingReportingOverflow(duration.milliseconds)
            return underflow ? nil : time
        }
        return parseISO(trimmed)
    }

    /// An ISO-8601 time in milliseconds since the Unix epoch; a time without an offset is UTC.
    package static func parseISO(_ text: String) -> Int64? {
        let full = ISO8601DateFormatter()
        full.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let plain = ISO8601DateFormatter()
        plain.formatOptions = [.withInternetDateTime]
        let dateOnly = ISO8601DateFormatter()
        dateOnly.formatOptions = [.withFullDate]
        let noZone = DateFormatter()
        noZone.locale = Locale(identifier: "en_US_POSIX")
        noZone.timeZone = TimeZone(identifier: "UTC")
        noZone.dateFormat = "yyyy-MM-dd'T'HH:mm:ss"
        for parse in [full.date(from:), plain.date(from:), dateOnly.date(from:), noZone.date(from:)] {
            if let date = parse(text) { return Int64((date.timeIntervalSince1970 * 1000).rounded()) }
        }
        return nil
    }

    /// Formats milliseconds since the Unix epoch as `2026-11-29T13:00:00Z`.
    package static func formatISO(_ milliseconds: Int64) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: Date(timeIntervalSince1970: Double(milliseconds) / 1000))
    }

    /// `7d` (DurationFormat has no day unit).
    private static func parseDays(_ text: String) -> Int64? {
        guard text.hasSuffix("d"), let days = Int64(text.dropLast()), days >= 0 else { return nil }
        return days
    }
}
