import Foundation

/// The clock an event's time is judged against (``ReorderConfiguration/maxEventTimeAhead``), used by
/// the live consumer and by `statusrelay replay` alike.
package enum PlausibilityClock {
    /// The wall clock in milliseconds since the Unix epoch.
    package static func now() -> Int64 {
        Int64((Date().timeIntervalSince1970 * 1000).rounded(.down))
    }

    /// The wall clock, or the record's Kafka timestamp when that is earlier. With broker-stamped
    /// timestamps (`message.timestamp.type=LogAppendTime`) a replay then judges every event as the
    /// live consumer did; a timestamp in the future (the producer's choice) changes nothing.
    package static func reference(wallClock: Int64, recordTimestamp: Int64?) -> Int64 {
        min(wallClock, recordTimestamp ?? wallClock)
    }
}
