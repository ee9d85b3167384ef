/// How log lines are written to standard error.
package enum LogFormat: String, Sendable, CaseIterable {
    /// `2026-11-29T13:40:00.123Z info ingress: message key=value`
    case text
    /// One JSON object per line: `{"ts":..,"level":..,"label":..,"msg":..,...metadata}`.
    case json
}
