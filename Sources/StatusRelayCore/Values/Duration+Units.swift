extension Duration {
    /// Whole milliseconds, rounded toward zero and clamped to `Int64`: a setting may be any duration
    /// the parser accepts, and converting it must never trap. The one Duration-to-integer rule
    /// (`Kafka` keeps its own `Int32` one, as it cannot import this module).
    package var milliseconds: Int64 { Self.saturating(components, unit: 1000, attosecondsPerUnit: 1_000_000_000_000_000) }

    /// Whole nanoseconds, rounded toward zero and clamped to `Int64` (NIO `TimeAmount`s, about 292 years).
    package var nanoseconds: Int64 { Self.saturating(components, unit: 1_000_000_000, attosecondsPerUnit: 1_000_000_000) }

    /// Seconds as a floating-point number (metrics, progress, `Retry-After`).
    package var seconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }

    private static func saturating(_ components: (seconds: Int64, attoseconds: Int64), unit: Int64, attosecondsPerUnit: Int64) -> Int64 {
        let (product, overflow) = components.seconds.multipliedReportingOverflow(by: unit)
        if overflow { return components.seconds < 0 ? .min : .max }
        let (sum, sumOverflow) = product.addingReportingOverflow(components.attoseconds / attosecondsPerUnit)
        if sumOverflow { return components.attoseconds < 0 ? .min : .max }
        return sum
    }
}
