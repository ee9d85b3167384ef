import ArgumentParser
import Foundation
import Kafka
import Logging
import Operations
import StatusRelayCore

/// `statusrelay reconcile`: ask Twilio's Messages API about stuck (and, with --discover, all listed)
/// messages and publish what the sink does not reflect yet as `reconciliation` events.
struct ReconcileCommand: AsyncParsableCommand {
    typealias S = ReconcileSettings

    static let configuration = CommandConfiguration(
        commandName: "reconcile",
        abstract: "Recover lost and missing statuses from Twilio's Messages API and publish them to the raw topic.",
        discussion: """
            Stuck messages (not final, unchanged for longer than --stale-after, younger than --max-age) are read \
            from the sink database and fetched one by one; with --discover --since TIME every outbound message \
            Twilio lists for the range is compared too. Each message whose Twilio status the sink does not \
            reflect yet becomes one event with source "reconciliation" on the raw topic, keyed by MessageSid; \
            the consumer orders, dedupes and writes it like any other. A second run publishes nothing new.

            Credentials (never as flags): TWILIO_ACCOUNT_SID with TWILIO_AUTH_TOKEN (or TWILIO_AUTH_TOKEN_FILE), \
            or TWILIO_API_KEY with TWILIO_API_SECRET (or TWILIO_API_SECRET_FILE), or the same keys in the --config \
            file. Settings come from flags, then environment variables, then the YAML file (config/reconcile.yaml), \
            then the defaults shown here.

            Exit status: 0 done; 1 the run failed (Twilio refused the credentials, the sink or Kafka failed); \
            2 configuration error; 4 done, but some messages failed after their retries.
            """
    )

    @Option(name: .customLong(S.sink.name), help: ArgumentHelp(S.sink.help, valueName: "URL"))
    var sink: String?
    @Option(name: .customLong(S.account.name), help: ArgumentHelp(S.account.help, valueName: "AC…"))
    var accounts: [String] = []
    @Flag(help: "Also list every outbound message Twilio has for --since/--until and reconcile those (finds messages that never had a callback).")
    var discover = false
    @Option(help: "With --discover: start of the date_sent range, ISO-8601 or a duration back from now (24h, 7d).")
    var since: String?
    @Option(help: "With --discover: end of the date_sent range (exclusive), ISO-8601 or a duration back from now; default now.")
    var until: String?
    @Option(name: .customLong(S.staleAfter.name), help: ArgumentHelp(S.staleAfter.help, valueName: "DURATION"))
    var staleAfter: String?
    @Option(name: .customLong(S.maxAge.name), help: ArgumentHelp(S.maxAge.help, valueName: "DURATION"))
    var maxAge: String?
    @Option(name: .customLong(S.concurrency.name), help: ArgumentHelp(S.concurrency.help, valueName: "N"))
    var concurrency: String?
    @Option(name: .customLong(S.maxRequestsPerSecond.name), help: ArgumentHelp(S.maxRequestsPerSecond.help, valueName: "N"))
    var maxRequestsPerSecond: String?
    @Option(name: .customLong(S.requestTimeout.name), help: ArgumentHelp(S.requestTimeout.help, valueName: "DURATION"))
    var requestTimeout: String?
    @Option(name: .customLong(S.maxAttempts.name), help: ArgumentHelp(S.maxAttempts.help, valueName: "N"))
    var maxAttempts: String?
    @Option(name: .customLong(S.pageSize.name), help: ArgumentHelp(S.pageSize.help, valueName: "N"))
    var pageSize: String?
    @Option(name: .customLong(S.apiBaseURL.name), help: ArgumentHelp(S.apiBaseURL.help, valueName: "URL"))
    var apiBaseURL: String?
    @Option(name: .customLong(S.twilioAccountSid.name), help: ArgumentHelp(S.twilioAccountSid.help, valueName: "AC…"))
    var twilioAccountSid: String?
    @Option(name: .customLong(S.twilioApiKey.name), help: ArgumentHelp(S.twilioApiKey.help, valueName: "SK…"))
    var twilioApiKey: String?
    @Option(name: .customLong(S.twilioAuthToken.fileName), help: ArgumentHelp(S.twilioAuthToken.fileHelp, valueName: "PATH"))
    var twilioAuthTokenFile: String?
    @Option(name: .customLong(S.twilioApiSecret.fileName), help: ArgumentHelp(S.twilioApiSecret.fileHelp, valueName: "PATH"))
    var twilioApiSecretFile: String?
    @Option(name: .customLong(S.every.name), help: ArgumentHelp(S.every.help, valueName: "DURATION"))
    var every: String?
    @Option(name: .customLong(S.adminListen.name), help: ArgumentHelp(S.adminListen.help, valueName: "HOST:PORT"))
    var adminListen: String?
    @Option(name: .customLong(S.brokers.name), help: ArgumentHelp(S.brokers.help, valueName: "LIST"))
    var brokers: String?
    @Option(name: .customLong(S.topic.name), help: ArgumentHelp(S.topic.help, valueName: "NAME"))
    var topic: String?
    @Option(name: .customLong(S.kafkaCompression.name), help: ArgumentHelp(S.kafkaCompression.help, valueName: "CODEC"))
    var kafkaCompression: String?
    @Option(name: .customLong(S.kafkaConfig.name), help: ArgumentHelp(S.kafkaConfig.help, valueName: "KEY=VALUE"))
    var kafkaConfig: [String] = []
    @Option(name: .customLong(S.logFormat.name), help: ArgumentHelp(S.logFormat.help, valueName: "FORMAT"))
    var logFormat: String?
    @Option(name: .customLong(S.logLevel.name), help: ArgumentHelp(S.logLevel.help, valueName: "LEVEL"))
    var logLevel: String?
    @Flag(name: .customLong("dry-run"), help: "Ask Twilio and report what would change, with a sample; publish nothing.")
    var dryRun = false
    @Flag(help: "Print the closing summary as JSON on stdout.")
    var json = false
    @Flag(name: .customLong("no-progress"), help: "No progress bar on stderr.")
    var noProgress = false
    @Option(help: ArgumentHelp("YAML configuration file (env: STATUSRELAY_CONFIG).", valueName: "FILE"))
    var config: String?
    @Flag(name: .customLong("check-config"), help: "Print the effective configuration (secrets redacted) and exit.")
    var checkConfig = false

    func flagValues() -> FlagValues {
        var flags = FlagValues()
        flags.set(S.sink.name, sink)
        flags.set(S.account.name, accounts)
        flags.set(S.staleAfter.name, staleAfter)
        flags.set(S.maxAge.name, maxAge)
        flags.set(S.concurrency.name, concurrency)
        flags.set(S.maxRequestsPerSecond.name, maxRequestsPerSecond)
        flags.set(S.requestTimeout.name, requestTimeout)
        flags.set(S.maxAttempts.name, maxAttempts)
        flags.set(S.pageSize.name, pageSize)
        flags.set(S.apiBaseURL.name, apiBaseURL)
        flags.set(S.twilioAccountSid.name, twilioAccountSid)
        flags.set(S.twilioApiKey.name, twilioApiKey)
        flags.set(S.twilioAuthToken.fileName, twilioAuthTokenFile)
        flags.set(S.twilioApiSecret.fileName, twilioApiSecretFile)
        flags.set(S.every.name, every)
        flags.set(S.adminListen.name, adminListen)
        flags.set(S.brokers.name, brokers)
        flags.set(S.topic.name, topic)
        flags.set(S.kafkaCompression.name, kafkaCompression)
        flags.set(S.kafkaConfig.name, kafkaConfig)
        flags.set(S.logFormat.name, logFormat)
        flags.set(S.logLevel.name, logLevel)
        return flags
    }

    func run() async throws {
        let resolved: ReconcileCommandConfiguration
        var resolver: ConfigurationResolver
        do {
            let discovery = try discoveryRange()
            resolver = ConfigurationResolver(layers: try .process(flags: flagValues(), configFlag: config))
            resolved = try ReconcileCommandConfiguration(resolving: &resolver, discovery: discovery, dryRun: dryRun)
            try resolver.rejectUnknownFileKeys()
        } catch {
            FileHandle.standardError.write(Data("statusrelay reconcile: configuration error: \(error)\n".utf8))
            throw ExitCode(2)
        }
        if checkConfig {
            print(resolver.report())
            return
        }
        LoggingBootstrap.bootstrap(format: resolved.logFormat, level: resolved.logLevel)
        var logger = Logger(label: "statusrelay.reconcile")
        logger.logLevel = resolved.logLevel
        if let interval = resolved.every {
            try await ReconcileApplication.runService(configuration: resolved, interval: interval, logger: logger)
            return
        }
        let summary: ReconcileSummary
        do {
            summary = try await ReconcileApplication.runOnce(
                configuration: resolved, showProgress: !noProgress && !json, logger: logger
            )
        } catch {
            FileHandle.standardError.write(Data("statusrelay reconcile: \(error)\n".utf8))
            throw ExitCode(1)
        }
        print(json ? ReconcileSummaryRenderer.json(summary) : ReconcileSummaryRenderer.text(summary))
        if summary.failed > 0 { throw ExitCode(4) }
    }

    /// `--discover --since [--until]`, as milliseconds since the Unix epoch.
    private func discoveryRange() throws(ConfigurationError) -> ReconcileConfiguration.Discovery? {
        guard discover else {
            if since != nil || until != nil {
                throw ConfigurationError(code: .invalidValue, setting: "since", message: "--since/--until only apply with --discover")
            }
            return nil
        }
        let now = Int64((Date().timeIntervalSince1970 * 1000).rounded(.down))
        guard let since else {
            throw ConfigurationError(code: .missingValue, setting: "since", message: "--discover needs --since TIME")
        }
        guard let start = ReportTimeSpec.parse(since, now: now) else {
            throw ConfigurationError(code: .invalidValue, setting: "since", message: "expected an ISO-8601 time or a duration like 24h, got \"\(since)\"")
        }
        var end: Int64?
        if let until {
            guard let value = ReportTimeSpec.parse(until, now: now) else {
                throw ConfigurationError(code: .invalidValue, setting: "until", message: "expected an ISO-8601 time or a duration like 1h, got \"\(until)\"")
            }
            guard value > start else {
                throw ConfigurationError(code: .invalidValue, setting: "until", message: "--until must be after --since")
            }
            end = value
        }
        return ReconcileConfiguration.Discovery(since: start, until: end)
    }
}
