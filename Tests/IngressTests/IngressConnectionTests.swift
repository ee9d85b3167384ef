import Foundation
import HTTPTypes
import HummingbirdTesting
import Ingress
import NIOCore
import NIOSSL
import Testing
import TestSupport

/// Connection-level protection and transport: slow-loris read timeout, requests per connection,
/// header size limit, and TLS termination.
@Suite struct IngressConnectionTests {
    /// A blocking POSIX client for byte-level control of what the server sees.
    final class RawConnection {
        let descriptor: Int32

        init(port: Int) throws {
            descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            address.sin_port = UInt16(port).bigEndian
            let connected = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            guard connected == 0 else { throw TestEnvironmentError("connect failed") }
            var timeout = timeval(tv_sec: 20, tv_usec: 0)
            setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        }

        func send(_ text: String) {
            _ = text.withCString { Foundation.send(descriptor, $0, strlen($0), Int32(MSG_NOSIGNAL)) }
        }

        /// Reads until the peer closes (returns what arrived) or the 20 s receive timeout (nil).
        func readUntilClosed() -> String? {
            var received: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 4096)
            while true {
                let count = recv(descriptor, &buffer, buffer.count, 0)
                if count == 0 { return String(decoding: received, as: UTF8.self) }
                if count < 0 { return errno == ECONNRESET ? String(decoding: received, as: UTF8.self) : nil }
                received += buffer[0..<count]
            }
        }

        deinit { close(descriptor) }
    }

    static let noBroker = try! ReservedPort()

    static func harness(_ customize: (inout IngressConfiguration) -> Void) async throws -> IngressHarness {
        try await IngressHarness.start(
            try IngressHarness.configuration(brokers: [noBroker.address], topic: TestEnvironment.uniqueName("conn"), customize)
        )
    }

    @Test func slowLorisConnectionIsClosedAfterTheRequestTimeout() async throws {
        let harness = try await Self.harness { $0.requestTimeout = .seconds(1) }
        let port = harness.port
        let outcome = await onDedicatedThread { () -> String? in
            guard let connection = try? RawConnection(port: port) else { return nil }
            // Headers trickle in and never finish.
            connection.send("POST /twilio/message-status HTTP/1.1\r\nHost: 127.0.0.1\r\n")
            connection.send("X-Slow: 1\r\n")
            return connection.readUntilClosed()
        }
        #expect(outcome != nil, "server kept a never-finishing request open")
        try await harness.stop()
    }

    /// The timeout runs from the last response, not from the connection: a keep-alive connection
    /// whose requests keep coming stays open past it, and is closed once it idles for it.
    @Test func keepAliveRequestsSpreadPastTheTimeoutAreServedThenIdleIsClosed() async throws {
        let harness = try await Self.harness { $0.requestTimeout = .seconds(1) }
        let port = harness.port
        let transcript = await onDedicatedThread { () -> String? in
            guard let connection = try? RawConnection(port: port) else { return nil }
            for index in 0..<4 {
                if index > 0 { usleep(600_000) }
                connection.send("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            }
            return connection.readUntilClosed()
        }
        let text = try #require(transcript, "server never closed the idle connection")
        #expect(text.components(separatedBy: "HTTP/1.1 200").count - 1 == 4, "\(text)")
        try await harness.stop()
    }

    @Test func connectionIsClosedAfterMaxRequestsPerConnection() async throws {
        let harness = try await Self.harness { $0.maxRequestsPerConnection = 2 }
        let port = harness.port
        let transcript = await onDedicatedThread { () -> String? in
            guard let connection = try? RawConnection(port: port) else { return nil }
            let request = "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
            connection.send(request + request + request)
            return connection.readUntilClosed()
        }
        let text = try #require(transcript)
        #expect(text.components(separatedBy: "HTTP/1.1 200").count - 1 == 2, "\(text)")
        #expect(text.lowercased().contains("connection: close"))
        try await harness.stop()
    }

    @Test func oversizedHeadersAreRefused() async throws {
        let harness = try await Self.harness { $0.maxHeaderSize = 4096 }
        let port = harness.port
        let transcript = await onDedicatedThread { () -> String? in
            guard let connection = try? RawConnection(port: port) else { return nil }
            connection.send("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: \(String(repeating: "a", count: 8192))\r\n\r\n")
            return connection.readUntilClosed()
        }
        let text = try #require(transcript)
        #expect(!text.contains("HTTP/1.1 200"))
        #expect(text.isEmpty || text.hasPrefix("HTTP/1.1 4"), "\(text)")
        try await harness.stop()
    }

    @Test func tlsTerminationServesHTTPS() async throws {
        let directory = try TestEnvironment.makeTemporaryDirectory("tls")
        let openssl = try ChildProcess(
            "/usr/bin/openssl",
            arguments: [
                "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
                "-keyout", "\(directory)/key.pem", "-out", "\(directory)/cert.pem",
            ]
        )
        #expect(try await openssl.waitForExit() == .exited(0))
        let harness = try await Self.harness {
            $0.tlsCertificatePath = "\(directory)/cert.pem"
            $0.tlsKeyPath = "\(directory)/key.pem"
        }
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.certificateVerification = .none
        let response = try await TestClient.withClient(
            host: "127.0.0.1", port: harness.port, configuration: .init(tlsConfiguration: tls, serverName: "localhost")
        ) { client in
            try await client.execute(.init("/healthz", method: .get, authority: "127.0.0.1:\(harness.port)"))
        }
        #expect(response.status == .ok)
        // Signatures are computed over the https:// URL.
        let sid = Callback.messageSid()
        let parameters = Callback.parameters(sid: sid)
        let path = harness.configuration.routes.form
        var headers: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]
        headers[HTTPField.Name("X-Twilio-Signature")!] = Callback.signature(
            url: "https://127.0.0.1:\(harness.port)\(path)", parameters: parameters
        )
        let callback = try await TestClient.withClient(
            host: "127.0.0.1", port: harness.port, configuration: .init(tlsConfiguration: tls, serverName: "localhost")
        ) { [headers] client in
            try await client.execute(
                .init(path, method: .post, authority: "127.0.0.1:\(harness.port)", headers: headers, body: ByteBuffer(string: Callback.formBody(parameters)))
            )
        }
        #expect(callback.status == .ok, "\(callback.bodyText)")
        try await harness.stop()
    }
}
