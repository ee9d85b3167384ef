import Foundation
package import PostgresNIO
import StatusRelayCore

/// A parsed `postgres://user[:password]@host[:port]/database[?sslmode=…&schema=…&application_name=…]`
/// URL: the one parser of PostgreSQL URLs, for the sink and for `statusrelay report`/`reconcile`.
///
/// The scheme is `postgres` or `postgresql` (any case); user, password and database are
/// percent-decoded (the database defaults to the user). `sslmode` is `disable`, `prefer` (default,
/// as libpq), `require` (no certificate check), `verify-ca` or `verify-full`; `schema` becomes the
/// `search_path` (the sink creates it if missing); `application_name` replaces the caller's default.
package struct PostgresURL: Sendable, Hashable {
    package var host: String
    package var port: Int
    package var username: String
    package var password: String?
    package var database: String
    package var schema: String?
    package var sslMode: String
    /// Nil: the caller's own name (`statusrelay-consumer`, `statusrelay-report`).
    package var applicationName: String?
    /// A log-safe form (``SecretRedaction``).
    package let redacted: String

    static let sslModes = ["disable", "prefer", "require", "verify-ca", "verify-full"]

    /// Why a URL was refused, naming the offending part (never a password or a query value
    /// that ``SecretRedaction`` hides).
    package struct Invalid: Error, Sendable, CustomStringConvertible {
        /// What is wrong, e.g. `unknown sslmode "strict" (expected …)`.
        package var reason: String
        /// The URL through ``SecretRedaction``.
        package var redactedURL: String
        package var message: String { "\(reason) in the PostgreSQL URL \(redactedURL)" }
        package var description: String { message }
    }

    package init(_ url: String) throws(Invalid) {
        let redacted = SecretRedaction.redact(url: url)
        self.redacted = redacted
        func invalid(_ reason: String) -> Invalid { Invalid(reason: reason, redactedURL: redacted) }
        guard let components = URLComponents(string: url), let scheme = components.scheme else {
            throw invalid("cannot parse postgres://user[:password]@host[:port]/database")
        }
        guard ["postgres", "postgresql"].contains(scheme.lowercased()) else {
            throw invalid("unknown scheme \"\(scheme)\" (expected postgres or postgresql)")
        }
        guard let host = components.host, !host.isEmpty else { throw invalid("missing host") }
        guard let user = components.user, !user.isEmpty else { throw invalid("missing user") }
        let port = components.port ?? 5432
        guard (1...65_535).contains(port) else { throw invalid("port \(port) out of range") }
        self.host = host
        self.port = port
        username = user.removingPercentEncoding ?? user
        password = components.password.map { $0.removingPercentEncoding ?? $0 }
        let path = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
        database = path.isEmpty ? username : (path.removingPercentEncoding ?? path)
        sslMode = "prefer"
        for item in components.queryItems ?? [] {
            // A bare item (`?TOKEN`) may itself be a secret: it is not named.
            guard let value = item.value else { throw invalid("query item without a value") }
            switch item.name {
            case "sslmode": sslMode = value
            case "schema": schema = value
            case "application_name": applicationName = value
            default:
                throw invalid("unknown parameter \"\(item.name)\" (expected sslmode, schema or application_name)")
            }
        }
        guard Self.sslModes.contains(sslMode) else {
            throw invalid("unknown sslmode \"\(sslMode)\" (expected \(Self.sslModes.joined(separator: ", ")))")
        }
        if let schema, schema.isEmpty || schema.contains("\"") || schema.contains("\0") {
            throw invalid("invalid schema name \(schema.debugDescription) (empty, or holding a quote or NUL)")
        }
    }

    /// `"schema"`, quoted for SQL.
    package var quotedSchema: String? { schema.map { "\"\($0)\"" } }

    /// The TLS settings `sslMode` asks for: nil for `disable`; `required` for all but `prefer`.
    private var tls: (configuration: TLSConfiguration, required: Bool)? {
        switch sslMode {
        case "disable": return nil
        case "prefer": return (.makeClientConfiguration(), false)
        default:
            var configuration = TLSConfiguration.makeClientConfiguration()
            if sslMode == "require" { configuration.certificateVerification = .none }
            return (configuration, true)
        }
    }

    /// Startup parameters: the application name and the schema as `search_path`.
    private func startupParameters(defaultApplicationName: String) -> [(String, String)] {
        var startup = [("application_name", applicationName ?? defaultApplicationName)]
        if let quotedSchema { startup.append(("search_path", quotedSchema)) }
        return startup
    }

    /// A pool's configuration (the sink).
    package func clientConfiguration(
        applicationName defaultApplicationName: String, maximumConnections: Int, connectTimeout: Duration
    ) -> PostgresClient.Configuration {
        let tls: PostgresClient.Configuration.TLS =
            switch self.tls {
            case nil: .disable
            case let (configuration, required)?: required ? .require(configuration) : .prefer(configuration)
            }
        var configuration = PostgresClient.Configuration(
            host: host, port: port, username: username, password: password, database: database, tls: tls
        )
        configuration.options.maximumConnections = maximumConnections
        configuration.options.connectTimeout = connectTimeout
        configuration.options.additionalStartupParameters = startupParameters(defaultApplicationName: defaultApplicationName)
        return configuration
    }

    /// One connection's configuration (`statusrelay report`). Throws when the TLS context cannot be made.
    package func connectionConfiguration(
        applicationName defaultApplicationName: String, connectTimeout: Duration
    ) throws -> PostgresConnection.Configuration {
        let tls: PostgresConnection.Configuration.TLS =
            switch self.tls {
            case nil: .disable
            case let (configuration, required)?:
                required
                    ? .require(try NIOSSLContext(configuration: configuration))
                    : .prefer(try NIOSSLContext(configuration: configuration))
            }
        var configuration = PostgresConnection.Configuration(
            host: host, port: port, username: username, password: password, database: database, tls: tls
        )
        configuration.options.connectTimeout = .nanoseconds(connectTimeout.nanoseconds)
        configuration.options.additionalStartupParameters = startupParameters(defaultApplicationName: defaultApplicationName)
        return configuration
    }
}

extension PostgresURL {
    /// The sink's parse: a refused URL is the sink's `invalid_url` error, which keeps the parser's.
    init(sinkURL url: String) throws(SinkError) {
        do {
            try self.init(url)
        } catch {
            throw SinkError(
                code: .invalidURL, sink: "postgres", message: "\(error.reason) in the postgres sink URL (postgres://user@host:port/db)",
                underlying: error
            )
        }
    }
}
