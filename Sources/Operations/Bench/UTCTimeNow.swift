#if canImport(Glibc)
import Glibc
#endif

/// The wall clock in milliseconds since the Unix epoch (what the ingress writes to `receivedAt`).
enum UTCTimeNow {
    static func milliseconds() -> Int64 {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Int64(spec.tv_sec) * 1000 + Int64(spec.tv_nsec) / 1_000_000
    }
}
