#if canImport(Glibc)
import Glibc
#endif

/// How the C allocator may hold memory the consumer freed. Freed memory an allocator keeps for
/// reuse still counts in RSS: in the 1,000,000-event benchmark a good part of the consumer's RSS was
/// such memory. The executables allocate with jemalloc (Package.swift); a build with
/// `STATUSRELAY_SYSTEM_MALLOC=1` uses glibc's malloc. The policy works with whichever is linked:
/// - jemalloc: a trim purges every arena's unused pages (`mallctl("arena.4096.purge")`); its arena
///   count is fixed when it starts (`MALLOC_CONF=narenas:N`), so `arenaMax` does not apply.
/// - glibc: `arenaMax` is `mallopt(M_ARENA_MAX)`, a trim is `malloc_trim(0)`.
/// With another allocator both do nothing.
package struct AllocatorPolicy: Sendable, Hashable {
    /// glibc only: most malloc arenas (`mallopt(M_ARENA_MAX)`): fewer arenas cache less freed
    /// memory, at the cost of lock contention between threads that allocate at once. 0 leaves
    /// glibc's default (8 per core). Default 2. Flag `--malloc-arena-max`, env `STATUSRELAY_MALLOC_ARENA_MAX`.
    package var arenaMax: Int
    /// How often freed memory is given back to the system (off the cooperative pool). Nil never
    /// trims. Default 2 s. Flag `--malloc-trim-interval` (0 = never), env `STATUSRELAY_MALLOC_TRIM_INTERVAL`.
    package var trimInterval: Duration?

    package init(arenaMax: Int = 2, trimInterval: Duration? = .seconds(2)) {
        self.arenaMax = max(0, arenaMax)
        self.trimInterval = trimInterval.flatMap { $0 > .zero ? $0 : nil }
    }

    /// The allocator this process runs with, found by its entry points.
    enum Allocator: Sendable { case jemalloc, glibc, other }

    static var linked: Allocator {
        if function("mallctl", as: Mallctl.self) != nil { return .jemalloc }
        if function("malloc_trim", as: MallocTrim.self) != nil { return .glibc }
        return .other
    }

    /// Applies `arenaMax` (glibc). Call it early: arenas that threads already use stay.
    package func apply() {
        guard arenaMax > 0, Self.linked == .glibc, let mallopt = Self.function("mallopt", as: Mallopt.self) else { return }
        _ = mallopt(Self.arenaMaxParameter, Int32(clamping: arenaMax))
    }

    /// Returns the allocator's free memory to the system. Blocks for a few milliseconds.
    static func trim() {
        if let mallctl = function("mallctl", as: Mallctl.self) {
            // MALLCTL_ARENAS_ALL (4096): every arena.
            _ = mallctl("arena.4096.purge", nil, nil, nil, 0)
        } else {
            _ = function("malloc_trim", as: MallocTrim.self)?(0)
        }
    }

    private typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
    private typealias MallocTrim = @convention(c) (Int) -> Int32
    private typealias Mallctl = @convention(c) (
        UnsafePointer<CChar>?, UnsafeMutableRawPointer?, UnsafeMutablePointer<Int>?, UnsafeMutableRawPointer?, Int
    ) -> Int32
    /// `M_ARENA_MAX` of glibc's `<malloc.h>`, which Swift's Glibc module does not include.
    private static let arenaMaxParameter: Int32 = -8

    /// An allocator entry point looked up at run time: nil where this process has none.
    private static func function<F>(_ name: String, as type: F.Type) -> F? {
        #if canImport(Glibc)
        guard let handle = dlopen(nil, RTLD_NOW), let symbol = dlsym(handle, name) else { return nil }
        return unsafeBitCast(symbol, to: type)
        #else
        return nil
        #endif
    }
}
