import Foundation
import NIOCore
import NIOPosix

/// Opens (and closes) one TCP connection to a callback URL's host and port before sending.
/// AsyncHTTPClient retries a refused connection until the request deadline (10 s) and then reports
/// a chain of NIO errors; this answers at once with the address that could not be reached.
package enum EndpointProbe {
    /// The URL's host and port could not be connected to.
    package struct Unreachable: Error, CustomStringConvertible {
        package var address: String
        package var underlying: any Error

        package var description: String {
            let reason = (underlying as? IOError).map { String(cString: strerror($0.errnoCode)).lowercased() } ?? "\(underlying)"
            return "cannot connect to \(address): \(reason)"
        }
    }

    /// Throws `Unreachable` if nothing accepts a TCP connection at the host and port of `url`
    /// (URLs it cannot parse are left for the HTTP client to reject).
    package static func check(url: String) async throws {
        guard let components = URLComponents(string: url), let host = components.host, !host.isEmpty else { return }
        let port = components.port ?? (components.scheme?.lowercased() == "https" ? 443 : 80)
        let address = host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
        do {
            let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .connectTimeout(.seconds(5))
                .connect(host: host, port: port).get()
            try? await channel.close()
        } catch {
            throw Unreachable(address: address, underlying: Self.rootCause(error))
        }
    }

    /// NIO wraps every attempted address's failure in `NIOConnectionError`; the first one is the reason.
    private static func rootCause(_ error: any Error) -> any Error {
        if let connection = error as? NIOConnectionError, let first = connection.connectionErrors.first { return first.error }
        return error
    }
}
