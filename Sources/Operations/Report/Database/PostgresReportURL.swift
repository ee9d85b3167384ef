import Foundation
import PostgresNIO
import StatusRelayCore

/// `postgres://user[:password]@host[:port]/database[?sslmode=…&schema=…]`, as the PostgreSQL sink
/// accepts it (same parameters), turned into a single-connection configuration.
struct PostgresReportURL: Sendable {
    var host: String
    var port: Int
    var username: String
    var password: String?
    var database: String
    var schema: String?
    var sslMode = "prefer"
    /// A log-safe form (``SecretRedaction``).
    let redacted: String

    init(_ url: String) throws(ReportError) {
        redacted = SecretRedaction.redact(url: url)
        func invalid(_ why: String) -> ReportError {
            ReportError(code: .invalidSink, message: "\(why) in the PostgreSQL URL (postgres://user@host:port/db)")
        }
        guard let components = URLComponents(string: url), let scheme = components.scheme,
            ["postgres", "postgresql"].contains(scheme.lowercased())
        else { throw invalid("cannot parse URL") }
        guard let host = components.host, !host.isEmpty else { throw invalid("missing host") }
        guard let user = components.user, !user.isEmpty else { throw invalid("missing user") }
        self.host = host
        port = components.port ?? 5432
        username = user.removingPercentEncoding ?? user
        password = components.password.map { $0.removingPercentEncoding ?? $0 }
        let path = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
        database = path.isEmpty ? username : (path.removingPercentEncoding ?? path)
        for item in components.queryItems ?? [] {
            switch item.name {
            case "sslmode": sslMode = item.value ?? sslMode
            case "schema": schema = item.value
            case "application_name": break
            default: throw invalid("unknown parameter \(item.name)")
            }
        }
        guard ["disable", "prefer", "require", "verify-ca", "verify-full"].contains(sslMode) else {
            throw invalid("unknown sslmode \(sslMode)")
        }
        if let schema, schema.isEmpty || schema.contains("\"") || schema.contains("\0") {
            throw invalid("invalid schema name")
        }
    }

    func connectionConfiguration() throws(ReportError) -> PostgresConnection.Configuration {
        let tls: PostgresConnection.Configuration.TLS
        do {
            switch sslMode {
            case "disable": tls = .disable
            case "prefer": tls = .prefer(try NIOSSLContext(configuration: .makeClientConfiguration()))
            default:
                var tlsConfiguration = TLSConfiguration.makeClientConfiguration()
                if sslMode == "require" { tlsConfiguration.certificateVerification = .none }
                tls = .require(try NIOSSLContext(configuration: tlsConfiguration))
            }
        } catch {
            throw ReportError(code: .unavailable, message: "TLS setup failed: \(error)")
        }
        var configuration = PostgresConnection.Configuration(
            host: host, port: port, username: username, password: password, database: database, tls: tls
        )
        configuration.options.connectTimeout = .seconds(10)
        var startup = [("application_name", "statusrelay-report")]
        if let schema { startup.append(("search_path", "\"\(schema)\"")) }
        configuration.options.additionalStartupParameters = startup
        return configuration
    }
}
