#if canImport(Glibc)
import Glibc
#endif

/// How the C allocator (glibc malloc) may hold memory the consumer freed. Without a policy glibc
/// keeps up to 8 arenas per core, each caching what its threads freed, and returns little of it:
/// in the 1,000,000-event benchmark a third of the consumer's RSS was freed memory (shown by
/// calling `malloc_trim` on the running process). With another C library both settings do nothing.
public struct AllocatorPolicy: Sendable, Hashable {
    /// Most malloc arenas (`mallopt(M_ARENA_MAX)`): fewer arenas cache less freed memory, at the
    /// cost of lock contention between threads that allocate at once. 0 leaves glibc's default
    /// (8 per core; the environment variable `MALLOC_ARENA_MAX` also sets it). Default 2.
    /// Flag `--malloc-arena-max`, env `STATUSRELAY_MALLOC_ARENA_MAX`.
    public var arenaMax: Int
    /// How often freed memory is given back to the system (`malloc_trim(0)`, off the cooperative
    /// pool). Nil never trims. Default 2 s. Flag `--malloc-trim-interval` (0 = never), env
    /// `STATUSRELAY_MALLOC_TRIM_INTERVAL`.
    public var trimInterval: Duration?

    public init(arenaMax: Int = 2, trimInterval: Duration? = .seconds(2)) {
        self.arenaMax = max(0, arenaMax)
        self.trimInterval = trimInterval.flatMap { $0 > .zero ? $0 : nil }
    }

    /// Applies `arenaMax`. Call it early: arenas that threads already use stay.
    public func apply() {
        guard arenaMax > 0, let mallopt = Self.function("mallopt", as: Mallopt.self) else { return }
        _ = mallopt(Self.arenaMaxParameter, Int32(clamping: arenaMax))
    }

    /// Returns the allocator's free memory to the system. Blocks for a few milliseconds.
    static func trim() {
        _ = function("malloc_trim", as: MallocTrim.self)?(0)
    }

    private typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
    private typealias MallocTrim = @convention(c) (Int) -> Int32
    /// `M_ARENA_MAX` of glibc's `<malloc.h>`, which Swift's Glibc module does not include.
    private static let arenaMaxParameter: Int32 = -8

    /// A glibc extension looked up at run time: nil with another C library.
    private static func function<F>(_ name: String, as type: F.Type) -> F? {
        #if canImport(Glibc)
        guard let handle = dlopen(nil, RTLD_NOW), let symbol = dlsym(handle, name) else { return nil }
        return unsafeBitCast(symbol, to: type)
        #else
        return nil
        #endif
    }
}
