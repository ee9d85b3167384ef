#if canImport(Glibc)
import Glibc
#endif

/// Process-wide allocator settings for the long-running executables.
public enum MemoryTuning {
    /// Caps glibc's malloc arenas (default: 8 per core). The pipelines allocate on one thread and
    /// free on another, which with many arenas leaves RSS far above the live heap. Two arenas kept
    /// the consumer's RSS flat instead of creeping up. A `MALLOC_ARENA_MAX` set by the operator wins.
    public static func limitMallocArenas(to count: Int32 = 2, environment: [String: String]) {
        #if canImport(Glibc)
        guard environment["MALLOC_ARENA_MAX"] == nil else { return }
        // <malloc.h> is not in Glibc's module map: look the symbol up instead.
        typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "mallopt") else { return }
        let mallopt = unsafeBitCast(symbol, to: Mallopt.self)
        let arenaMax: Int32 = -8  // M_ARENA_MAX
        _ = mallopt(arenaMax, count)
        #endif
    }
}
