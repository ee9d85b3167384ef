import Foundation
import PostgresNIO
import StatusRelayCore

/// A parsed `postgres://user[:password]@host[:port]/database[?sslmode=...&schema=...]` sink URL.
///
/// `sslmode` is `disable`, `prefer` (default, as libpq) or `require`/`verify-full`; `schema`
/// (default `public`) is created if missing and becomes the connection's `search_path`.
struct PostgresSinkURL: Sendable {
    var host: String
    var port: Int
    var username: String
    var password: String?
    var database: String
    var schema: String?
    var sslMode: String
    var applicationName: String
    /// A log-safe form (``SecretRedaction``).
    let redacted: String

    init(_ url: String) throws(SinkError) {
        redacted = SecretRedaction.redact(url: url)
        func invalid(_ why: String) -> SinkError {
            SinkError(code: .invalidURL, sink: "postgres", message: "\(why) in the postgres sink URL (postgres://user@host:port/db)")
        }
        guard let components = URLComponents(string: url),
            let scheme = components.scheme, ["postgres", "postgresql"].contains(scheme)
        else { throw invalid("cannot parse URL") }
        guard let host = components.host, !host.isEmpty else { throw invalid("missing host") }
        self.host = host
        port = components.port ?? 5432
        guard let user = components.user, !user.isEmpty else { throw invalid("missing user") }
        username = user.removingPercentEncoding ?? user
        password = components.password.map { $0.removingPercentEncoding ?? $0 }
        let path = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
        database = path.isEmpty ? username : (path.removingPercentEncoding ?? path)
        var sslMode = "prefer"
        var applicationName = "statusrelay-consumer"
        for item in components.queryItems ?? [] {
            switch item.name {
            case "sslmode": sslMode = item.value ?? sslMode
            case "schema": schema = item.value
            case "application_name": applicationName = item.value ?? applicationName
            default: throw invalid("unknown parameter \(item.name)")
            }
        }
        guard ["disable", "prefer", "require", "verify-ca", "verify-full"].contains(sslMode) else {
            throw invalid("unknown sslmode \(sslMode)")
        }
        if let schema, schema.isEmpty || schema.contains("\"") || schema.contains("\0") {
            throw invalid("invalid schema name")
        }
        self.sslMode = sslMode
        self.applicationName = applicationName
    }

    /// `"schema"`, quoted for SQL.
    var quotedSchema: String? { schema.map { "\"\($0)\"" } }

    func clientConfiguration(maximumConnections: Int, connectTimeout: Duration) -> PostgresClient.Configuration {
        let tls: PostgresClient.Configuration.TLS
        switch sslMode {
        case "disable": tls = .disable
        case "prefer": tls = .prefer(.makeClientConfiguration())
        default:
            var tlsConfiguration = TLSConfiguration.makeClientConfiguration()
            if sslMode == "require" { tlsConfiguration.certificateVerification = .none }
            tls = .require(tlsConfiguration)
        }
        var configuration = PostgresClient.Configuration(
            host: host, port: port, username: username, password: password, database: database, tls: tls
        )
        configuration.options.maximumConnections = maximumConnections
        configuration.options.connectTimeout = connectTimeout
        var startup = [("application_name", applicationName)]
        if let schema { startup.append(("search_path", "\"\(schema)\"")) }
        configuration.options.additionalStartupParameters = startup
        return configuration
    }
}
