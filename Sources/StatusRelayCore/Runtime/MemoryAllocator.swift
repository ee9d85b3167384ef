#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The `malloc` this process ended up with. Package.swift links jemalloc into the executables on
/// Linux; a build with `STATUSRELAY_SYSTEM_MALLOC=1`, or a test binary, keeps the C library's.
package enum MemoryAllocator: String, Sendable, CustomStringConvertible {
    case jemalloc
    case system

    /// Looked up once: jemalloc, when it provides `malloc`, also exports `mallctl`.
    package static let current: MemoryAllocator = {
        #if os(Linux)
        guard let handle = dlopen(nil, RTLD_NOW) else { return .system }
        defer { dlclose(handle) }
        return dlsym(handle, "mallctl") != nil ? .jemalloc : .system
        #else
        return .system
        #endif
    }()

    package var description: String { rawValue }
}
