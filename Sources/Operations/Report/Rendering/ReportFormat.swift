import Foundation

/// Number, duration and time formatting shared by the terminal and HTML renderers.
enum ReportFormat {
    /// `850ms`, `4.2s`, `3m05s`, `1h02m`.
    static func duration(milliseconds value: Int64) -> String {
        if value < 1_000 { return "\(value)ms" }
        if value < 60_000 {
            let tenths = (value + 50) / 100
            return tenths % 10 == 0 || tenths >= 100 ? "\((value + 500) / 1000)s" : "\(tenths / 10).\(tenths % 10)s"
        }
        let seconds = (value + 500) / 1000
        if seconds < 3600 { return "\(seconds / 60)m" + String(format: "%02ds", seconds % 60) }
        return "\(seconds / 3600)h" + String(format: "%02dm", (seconds % 3600) / 60)
    }

    /// The Twilio-side sent→delivered/undelivered latency (``DeliveryReport/twilioLatency``) in a
    /// line: its percentiles and how many messages they cover, or that no message has the times.
    static func twilioLatency(_ latency: LatencyPercentiles?) -> (label: String, value: String) {
        guard let latency else {
            return ("Twilio-side sent→delivered/undelivered", "no message with a Twilio time on both its sent and its receipt event")
        }
        let messages = latency.count == 1 ? "1 message" : "\(latency.count) messages"
        return (
            "Twilio-side sent→delivered/undelivered p50 / p90 / p99 (\(messages) with a Twilio time on both)",
            "\(duration(milliseconds: latency.p50)) / \(duration(milliseconds: latency.p90)) / \(duration(milliseconds: latency.p99))"
        )
    }

    /// `97.3%`, or `-` when there is nothing to divide.
    static func percent(_ value: Double?) -> String {
        guard let value else { return "-" }
        return String(format: "%.1f%%", value * 100)
    }

    /// The period start as `2026-11-29 13:00` (hour) or `2026-11-29` (day), UTC.
    static func period(_ milliseconds: Int64?, bucket: ReportBucket) -> String {
        guard let milliseconds else { return "all" }
        let iso = ReportTimeSpec.formatISO(milliseconds)
        let date = String(iso.prefix(10))
        return bucket == .day ? date : date + " " + String(iso.dropFirst(11).prefix(5))
    }

    /// Histogram bin label: `<1s`, `1s–2s`, `≥1h`.
    static func bin(_ bin: HistogramBin) -> String {
        guard let upper = bin.upper else { return "≥" + edge(bin.lower) }
        if bin.lower == 0 { return "<" + edge(upper) }
        return edge(bin.lower) + "–" + edge(upper)
    }

    /// A round bin edge in its largest exact unit: `500ms`, `5s`, `2m`, `1h`.
    static func edge(_ milliseconds: Int64) -> String {
        if milliseconds > 0 && milliseconds % 3_600_000 == 0 { return "\(milliseconds / 3_600_000)h" }
        if milliseconds > 0 && milliseconds % 60_000 == 0 { return "\(milliseconds / 60_000)m" }
        if milliseconds % 1_000 == 0 { return "\(milliseconds / 1_000)s" }
        return "\(milliseconds)ms"
    }

    static func empty(_ text: String?) -> String {
        guard let text, !text.isEmpty else { return "-" }
        return text
    }
}
