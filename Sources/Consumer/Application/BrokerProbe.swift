import Foundation
import Logging
import NIOCore
import NIOPosix
import StatusRelayCore

/// Before the Kafka clients start: does any bootstrap broker accept a TCP connection? With none
/// reachable, librdkafka's three clients (admin, producer, consumer) log every failed connect and
/// the start-up metadata request fails after 30 s with a `(retriable)` transport error; this says
/// once which addresses were tried, for how long, and what to change.
enum BrokerProbe {
    /// No bootstrap broker accepted a connection within the patience.
    struct Unreachable: Error, Sendable, CustomStringConvertible {
        struct Attempt: Sendable {
            var address: String
            var underlying: any Error
        }

        /// The last failure per bootstrap address, in `--brokers` order.
        var attempts: [Attempt]
        var patience: Duration

        var description: String {
            let tried = attempts.map { "\($0.address) (\(BrokerProbe.reason($0.underlying)))" }.joined(separator: ", ")
            return "no Kafka broker reachable: tried \(tried) for \(DurationFormat.format(patience)); "
                + "start the broker or set --brokers / STATUSRELAY_BROKERS"
        }
    }

    /// Returns once one of `brokers` (`host:port`, optionally `SCHEME://host:port`) accepts a TCP
    /// connection; retries every second for `patience` (a broker started beside the consumer gets
    /// time to listen), then throws ``Unreachable``.
    static func waitForAny(_ brokers: [String], patience: Duration = .seconds(10), logger: Logger) async throws {
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: patience)
        var loggedWaiting = false
        while true {
            var attempts: [Unreachable.Attempt] = []
            for broker in brokers {
                let (host, port) = split(broker)
                do {
                    let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                        .connectTimeout(.seconds(3))
                        .connect(host: host, port: port).get()
                    try? await channel.close()
                    return
                } catch {
                    attempts.append(.init(address: broker, underlying: rootCause(error)))
                }
            }
            guard clock.now < deadline else { throw Unreachable(attempts: attempts, patience: patience) }
            if !loggedWaiting {
                loggedWaiting = true
                logger.info("waiting for a Kafka broker", metadata: ["brokers": "\(brokers.joined(separator: ","))", "patience": "\(DurationFormat.format(patience))"])
            }
            try await Task.sleep(for: .seconds(1))
        }
    }

    /// `host:port` of a bootstrap entry (`[v6]:port` and a `SCHEME://` prefix allowed; port 9092 if absent).
    static func split(_ broker: String) -> (host: String, port: Int) {
        var text = Substring(broker.trimmingCharacters(in: .whitespaces))
        if let scheme = text.range(of: "://") { text = text[scheme.upperBound...] }
        if let address = HostPort(parsing: String(text)) { return (address.host, address.port) }
        let host = text.hasPrefix("[") && text.hasSuffix("]") ? String(text.dropFirst().dropLast()) : String(text)
        return (host, 9092)
    }

    static func reason(_ error: any Error) -> String {
        if let io = error as? IOError { return String(cString: strerror(io.errnoCode)).lowercased() }
        if error is ChannelError { return "timed out" }
        if let address = error as? SocketAddressError, case .unknown = address { return "unknown host" }
        return "\(error)"
    }

    /// NIO wraps each attempted address's failure in `NIOConnectionError`; the first one is the reason.
    private static func rootCause(_ error: any Error) -> any Error {
        if let connection = error as? NIOConnectionError {
            if let first = connection.connectionErrors.first { return first.error }
            if let dns = connection.dnsAAAAError ?? connection.dnsAError { return dns }
        }
        return error
    }
}
