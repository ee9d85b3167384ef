#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Before a service starts anything else: can it listen on its address? A busy port is then
/// reported at once, naming the address and the setting to change, instead of after the Kafka
/// clients started (and, for the consumer, behind a `writer_stopped` from the stopping pipeline).
package enum ListenAddressCheck {
    /// The address cannot be bound (in use, not a local address, no permission).
    package struct Failure: Error, Sendable, CustomStringConvertible {
        package var address: HostPort
        /// The setting that chose the address (its flag and env var are named in the message).
        package var setting: String
        package var environmentVariable: String?
        /// The `errno` of the failed `bind` (or `getaddrinfo`'s error text).
        package var reason: String

        package var description: String {
            let places = ["--\(setting)"] + (environmentVariable.map { [$0] } ?? [])
            return "cannot listen on \(address): \(reason); stop what holds it or set \(places.joined(separator: " / ")) to a free HOST:PORT"
        }
    }

    /// Binds a socket to `address` (with `SO_REUSEADDR`, as the server does) and closes it again.
    /// Port 0 (any free port) is not checked.
    package static func check(_ address: HostPort, setting: Setting<HostPort>) throws(Failure) {
        guard address.port != 0 else { return }
        func failure(_ reason: String) -> Failure {
            Failure(address: address, setting: setting.name, environmentVariable: setting.environmentVariable, reason: reason)
        }
        var hints = addrinfo()
        hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(address.host, String(address.port), &hints, &list)
        guard status == 0, let first = list else {
            throw failure(String(cString: gai_strerror(status)).lowercased())
        }
        defer { freeaddrinfo(list) }
        let fd = socket(first.pointee.ai_family, first.pointee.ai_socktype, first.pointee.ai_protocol)
        guard fd >= 0 else { throw failure(String(cString: strerror(errno)).lowercased()) }
        defer { close(fd) }
        var one: Int32 = 1
        _ = setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        if bind(fd, first.pointee.ai_addr, first.pointee.ai_addrlen) != 0 {
            throw failure(String(cString: strerror(errno)).lowercased())
        }
    }
}
