package import Kafka
package import Logging
import StatusEvents
package import StatusRelayCore

/// Everything `statusrelay reconcile` runs with, resolved from flags, environment and YAML.
package struct ReconcileCommandConfiguration: Sendable {
    package var reconcile: ReconcileConfiguration
    package var api: TwilioAPIClient.Configuration
    package var credentials: TwilioCredentials
    package var producer: KafkaProducerConfiguration
    package var topic: String
    package var every: Duration?
    package var adminListen: HostPort
    package var logFormat: LogFormat
    package var logLevel: Logger.Level

    /// - Parameters:
    ///   - discovery: from `--discover --since/--until` (command-line only).
    ///   - dryRun: `--dry-run` (command-line only).
    package init(
        resolving resolver: inout ConfigurationResolver, discovery: ReconcileConfiguration.Discovery?, dryRun: Bool
    ) throws(ConfigurationError) {
        typealias S = ReconcileSettings
        let sink = try resolver.optional(S.sink).flatMap { $0.isEmpty ? nil : $0 }
        let accountSid = try resolver.optional(S.twilioAccountSid).flatMap { $0.isEmpty ? nil : $0 }
        let authToken = try resolver.optional(S.twilioAuthToken).flatMap { $0.isEmpty ? nil : $0 }
        let apiKey = try resolver.optional(S.twilioApiKey).flatMap { $0.isEmpty ? nil : $0 }
        let apiSecret = try resolver.optional(S.twilioApiSecret).flatMap { $0.isEmpty ? nil : $0 }
        let subaccounts = try resolver.required(S.account)
        if let accountSid, !StatusCallbackNormalizer.isAccountSid(accountSid) {
            throw ConfigurationError(code: .invalidValue, setting: S.twilioAccountSid.name, message: "expected an account SID AC… (34 characters), got \"\(accountSid.prefix(40))\"")
        }
        for account in subaccounts where !StatusCallbackNormalizer.isAccountSid(account) {
            throw ConfigurationError(code: .invalidValue, setting: S.account.name, message: "expected an account SID AC… (34 characters), got \"\(account.prefix(40))\"")
        }
        if let apiKey {
            guard apiKey.hasPrefix("SK"), apiKey.utf8.count == 34 else {
                throw ConfigurationError(code: .invalidValue, setting: S.twilioApiKey.name, message: "expected an API key SID SK… (34 characters)")
            }
            guard let apiSecret else {
                throw ConfigurationError(code: .missingValue, setting: S.twilioApiSecret.name, message: "TWILIO_API_KEY needs TWILIO_API_SECRET (or TWILIO_API_SECRET_FILE)")
            }
            credentials = TwilioCredentials(username: apiKey, password: Secret(apiSecret), accountSid: accountSid)
        } else if let accountSid, let authToken {
            credentials = TwilioCredentials(username: accountSid, password: Secret(authToken), accountSid: accountSid)
        } else {
            throw ConfigurationError(
                code: .missingValue, setting: S.twilioAuthToken.name,
                message: "Twilio credentials: set TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN (or TWILIO_AUTH_TOKEN_FILE), or TWILIO_API_KEY and TWILIO_API_SECRET (or TWILIO_API_SECRET_FILE)"
            )
        }
        var accounts: [String] = accountSid.map { [$0] } ?? []
        for account in subaccounts where !accounts.contains(account) { accounts.append(account) }
        guard !accounts.isEmpty else {
            throw ConfigurationError(code: .missingValue, setting: S.account.name, message: "an API key needs TWILIO_ACCOUNT_SID or --account to know which account to read")
        }
        guard sink != nil || discovery != nil else {
            throw ConfigurationError(code: .missingValue, setting: S.sink.name, message: "give --sink (stuck messages) and/or --discover --since TIME")
        }
        if let sink {
            let lowered = sink.lowercased()
            guard lowered.hasPrefix("sqlite:") || lowered.hasPrefix("postgres://") || lowered.hasPrefix("postgresql://") else {
                throw ConfigurationError(code: .invalidValue, setting: S.sink.name, message: "expected sqlite:PATH or postgres://…, got \(SecretRedaction.redact(url: sink))")
            }
        }
        var baseURL = try resolver.required(S.apiBaseURL)
        while baseURL.hasSuffix("/") { baseURL.removeLast() }
        guard baseURL.hasPrefix("https://") || baseURL.hasPrefix("http://"), !baseURL.contains("@") else {
            throw ConfigurationError(code: .invalidValue, setting: S.apiBaseURL.name, message: "expected http(s)://host[:port] without credentials")
        }
        let concurrency = try resolver.required(S.concurrency)
        reconcile = ReconcileConfiguration(
            sink: sink, accounts: accounts, staleAfter: try resolver.required(S.staleAfter), maxAge: try resolver.required(S.maxAge),
            discovery: discovery, concurrency: concurrency, pageSize: try resolver.required(S.pageSize), dryRun: dryRun
        )
        api = TwilioAPIClient.Configuration(
            baseURL: baseURL, requestTimeout: try resolver.required(S.requestTimeout),
            retry: TwilioRetryPolicy(maxAttempts: try resolver.required(S.maxAttempts)),
            maxRequestsPerSecond: try resolver.optional(S.maxRequestsPerSecond)
        )
        topic = try resolver.required(S.topic)
        let kafkaConfig = try resolver.optional(S.kafkaConfig) ?? [:]
        producer = KafkaProducerConfiguration(
            bootstrapServers: try resolver.required(S.brokers), clientID: "statusrelay-reconcile",
            compression: try resolver.required(S.kafkaCompression), additional: kafkaConfig
        )
        every = try resolver.optional(S.every)
        if let every, every < .seconds(1) {
            throw ConfigurationError(code: .invalidValue, setting: S.every.name, message: "expected at least 1s")
        }
        adminListen = try resolver.required(S.adminListen)
        logFormat = try resolver.required(S.logFormat)
        logLevel = try resolver.required(S.logLevel)
    }
}
