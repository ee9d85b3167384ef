import Foundation
import Prometheus
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// The standard `process_*` metrics (swift-prometheus has none on Linux), read from `/proc/self`
/// when `/metrics` is scraped: one small file read and a directory count, no background work.
final class ProcessMetrics: Sendable {
    static let catalog = MetricCatalog([
        .counter("process_cpu_seconds_total", "Total user and system CPU time spent in seconds."),
        .gauge("process_resident_memory_bytes", "Resident memory size in bytes."),
        .gauge("process_virtual_memory_bytes", "Virtual memory size in bytes."),
        .gauge("process_start_time_seconds", "Start time of the process since unix epoch in seconds."),
        .gauge("process_open_fds", "Number of open file descriptors."),
        .gauge("process_max_fds", "Maximum number of open file descriptors."),
        .gauge("process_threads", "Number of OS threads in the process."),
    ])

    private let cpu: Counter
    private let resident: Gauge
    private let virtual: Gauge
    private let openFDs: Gauge
    private let threads: Gauge
    /// CPU seconds already added to the counter (it only counts up).
    private let cpuReported = Mutex(0.0)
    private let ticksPerSecond = Double(sysconf(Int32(_SC_CLK_TCK)))
    private let pageSize = Double(sysconf(Int32(_SC_PAGESIZE)))

    init(registry: PrometheusCollectorRegistry) {
        let catalog = Self.catalog
        cpu = catalog.counter("process_cpu_seconds_total", in: registry)
        resident = catalog.gauge("process_resident_memory_bytes", in: registry)
        virtual = catalog.gauge("process_virtual_memory_bytes", in: registry)
        openFDs = catalog.gauge("process_open_fds", in: registry)
        threads = catalog.gauge("process_threads", in: registry)
        var limit = rlimit()
        if getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 {
            catalog.gauge("process_max_fds", in: registry).set(Double(limit.rlim_cur))
        }
        if let start = Self.startTime(ticksPerSecond: ticksPerSecond) {
            catalog.gauge("process_start_time_seconds", in: registry).set(start)
        }
        refresh()
    }

    /// Fields of `/proc/self/stat` after the command name (field 3, the state, is index 0).
    private static func statFields() -> [Substring]? {
        guard let stat = try? String(contentsOfFile: "/proc/self/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return nil }
        return stat[stat.index(after: close)...].split(separator: " ")
    }

    /// Boot time (`btime` in /proc/stat) plus the process's start in ticks after boot.
    private static func startTime(ticksPerSecond: Double) -> Double? {
        guard let fields = statFields(), fields.count > 19, let ticks = Double(fields[19]),
            let stat = try? String(contentsOfFile: "/proc/stat", encoding: .utf8),
            let line = stat.split(separator: "\n").first(where: { $0.hasPrefix("btime ") }),
            let boot = Double(line.dropFirst("btime ".count))
        else { return nil }
        return boot + ticks / ticksPerSecond
    }

    /// Reads the current values; called before each scrape.
    func refresh() {
        if let fields = Self.statFields(), fields.count > 21 {
            if let user = Double(fields[11]), let system = Double(fields[12]) {
                let seconds = (user + system) / ticksPerSecond
                let delta = cpuReported.withLock { reported -> Double in
                    let delta = seconds - reported
                    if delta > 0 { reported = seconds }
                    return delta
                }
                if delta > 0 { cpu.increment(by: delta) }
            }
            if let count = Double(fields[17]) { threads.set(count) }
            if let bytes = Double(fields[20]) { virtual.set(bytes) }
            if let pages = Double(fields[21]) { resident.set(pages * pageSize) }
        }
        if let directory = opendir("/proc/self/fd") {
            var count = -3  // ".", ".." and the descriptor opendir holds
            while readdir(directory) != nil { count += 1 }
            closedir(directory)
            openFDs.set(Double(max(0, count)))
        }
    }
}
