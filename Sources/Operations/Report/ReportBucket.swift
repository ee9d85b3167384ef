/// The period rows of a report are grouped by (UTC).
package enum ReportBucket: String, Sendable, CaseIterable {
    case hour
    case day

    /// The bucket width in milliseconds (event times are milliseconds since the Unix epoch).
    package var milliseconds: Int64 {
        switch self {
        case .hour: 3_600_000
        case .day: 86_400_000
        }
    }
}
