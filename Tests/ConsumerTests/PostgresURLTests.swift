import Testing

@testable import Consumer

/// The one PostgreSQL URL parser (sink, `statusrelay report`, `statusrelay reconcile`).
@Suite("PostgreSQL URL")
struct PostgresURLTests {
    @Test func readsEveryPartAndDecodesTheCredentials() throws {
        let url = try PostgresURL("postgres://re%40lay:s3%2Fcret@db.example:6543/ev%20ents?sslmode=require&schema=relay&application_name=nightly")
        #expect(url.host == "db.example" && url.port == 6543)
        #expect(url.username == "re@lay" && url.password == "s3/cret" && url.database == "ev ents")
        #expect(url.sslMode == "require" && url.schema == "relay" && url.applicationName == "nightly")
        #expect(url.quotedSchema == "\"relay\"")
        #expect(!url.redacted.contains("s3"))

        let plain = try PostgresURL("postgresql://relay@db")
        #expect(plain.port == 5432 && plain.database == "relay" && plain.sslMode == "prefer")
        #expect(plain.password == nil && plain.schema == nil && plain.applicationName == nil)
    }

    /// The report took `POSTGRES://`, the sink did not; the sink honoured `application_name`, the
    /// report ignored it. Both now do both.
    @Test func theSchemeIsCaseInsensitiveAndTheApplicationNameIsHonoured() throws {
        #expect(try PostgresURL("POSTGRES://u@h/db").host == "h")
        try SinkFactory.validate(url: "PostgreSQL://u:pw@h/db")
        let url = try PostgresURL("postgres://u@h/db?application_name=backfill")
        let client = url.clientConfiguration(applicationName: "statusrelay-consumer", maximumConnections: 2, connectTimeout: .seconds(1))
        #expect(client.options.additionalStartupParameters.first { $0.0 == "application_name" }?.1 == "backfill")
        let connection = try url.connectionConfiguration(applicationName: "statusrelay-report", connectTimeout: .seconds(1))
        #expect(connection.options.additionalStartupParameters.first { $0.0 == "application_name" }?.1 == "backfill")
        let unnamed = try PostgresURL("postgres://u@h/db?schema=s").connectionConfiguration(applicationName: "statusrelay-report", connectTimeout: .seconds(1))
        #expect(unnamed.options.additionalStartupParameters.map(\.1) == ["statusrelay-report", "\"s\""])
    }

    /// Each refusal names what is wrong, and never the password or a hidden query value.
    @Test(arguments: [
        ("mysql://u:pw@h/db", "unknown scheme \"mysql\""),
        ("postgres://u:pw@/db", "missing host"),
        ("postgres://:pw@h/db", "missing user"),
        ("postgres://u:pw@h:70000/db", "port 70000 out of range"),
        ("postgres://u:pw@h/db?sslmode=strict", "unknown sslmode \"strict\""),
        ("postgres://u:pw@h/db?schema=a%22b", #"invalid schema name "a\"b""#),
        ("postgres://u:pw@h/db?scheme=x", "unknown parameter \"scheme\""),
        ("postgres://u:pw@h/db?s3cretToken", "query item without a value"),
    ])
    func refusalsNameTheOffendingValue(url: String, reason: String) {
        #expect {
            try PostgresURL(url)
        } throws: { error in
            guard let invalid = error as? PostgresURL.Invalid else { return false }
            return invalid.message.hasPrefix(reason) && invalid.message.contains("@")
                && !invalid.message.contains("pw") && !invalid.message.contains("s3cret")
        }
        // The sink's check says the same, as its invalid_url error, keeping the parser's.
        #expect {
            try SinkFactory.validate(url: url)
        } throws: { error in
            guard let sinkError = error as? SinkError, sinkError.code == .invalidURL else { return false }
            return url.hasPrefix("mysql") || (sinkError.message.hasPrefix(reason) && sinkError.underlying is PostgresURL.Invalid)
        }
    }
}
