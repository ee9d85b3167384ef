package import Kafka
package import Logging
package import StatusRelayCore

/// Every `statusrelay reconcile` setting: flag `--<name>`, env var, YAML key `<name>`, default,
/// resolved like the services' (flags > env > file > defaults). Twilio secrets have no flag: they
/// come from the environment (or `*_FILE`), or the YAML file, never from a command line `ps` shows.
package enum ReconcileSettings {
    /// The defaults come from the configuration types, so each is written once.
    private static let pass = ReconcileConfiguration(sink: nil, accounts: [])
    private static let api = TwilioAPIClient.Configuration()

    /// Shown with its password redacted (`--check-config`, errors).
    package static let sink = Setting<String>(
        name: "sink", environmentVariable: "STATUSRELAY_RECONCILE_SINK", defaultValue: nil,
        summary: "Sink database to find stuck messages in: sqlite:PATH or postgres://… (the consumer's URL).",
        describe: SecretRedaction.redact(url:), decode: scalar("sink"))
    package static let account = Setting<[String]>.list(
        "account", env: "STATUSRELAY_RECONCILE_ACCOUNTS", default: [],
        "Subaccount SID AC… to reconcile too, with the parent's credentials; repeatable (env: comma-separated).")
    package static let twilioAccountSid = Setting<String>.string(
        "twilio-account-sid", env: "TWILIO_ACCOUNT_SID", default: nil,
        "Twilio account SID: the basic-auth user with TWILIO_AUTH_TOKEN, and the account reconciled.")
    package static let twilioAuthToken = Setting<String>(
        name: "twilio-auth-token", environmentVariable: "TWILIO_AUTH_TOKEN", defaultValue: nil,
        summary: "Twilio auth token (env or file only). Secret.", isSecret: true, decode: scalar("twilio-auth-token"))
    package static let twilioApiKey = Setting<String>.string(
        "twilio-api-key", env: "TWILIO_API_KEY", default: nil, "Twilio API key SID SK… (instead of the auth token).")
    package static let twilioApiSecret = Setting<String>(
        name: "twilio-api-secret", environmentVariable: "TWILIO_API_SECRET", defaultValue: nil,
        summary: "Twilio API key secret (env or file only). Secret.", isSecret: true, decode: scalar("twilio-api-secret"))
    package static let apiBaseURL = Setting<String>.string(
        "api-base-url", env: "STATUSRELAY_TWILIO_API_BASE_URL", default: api.baseURL,
        "Twilio REST API base URL (a regional endpoint such as https://api.dublin.ie1.twilio.com).")
    package static let staleAfter = Setting<Duration>.duration(
        "stale-after", env: "STATUSRELAY_RECONCILE_STALE_AFTER", default: pass.staleAfter,
        "A message is stuck when its status is not final and unchanged for longer than this.")
    package static let maxAge = Setting<Duration>.duration(
        "max-age", env: "STATUSRELAY_RECONCILE_MAX_AGE", default: pass.maxAge,
        "Ignore stuck messages whose status was set longer ago than this.")
    package static let concurrency = Setting<Int>.int(
        "concurrency", env: "STATUSRELAY_RECONCILE_CONCURRENCY", default: pass.concurrency, range: 1...256, "Twilio requests in flight at most.")
    package static let maxRequestsPerSecond = Setting<Double>.double(
        "max-requests-per-second", env: "STATUSRELAY_RECONCILE_MAX_REQUESTS_PER_SECOND", default: nil,
        "Twilio requests started per second at most (retries included); unset: no limit but --concurrency.")
    package static let requestTimeout = Setting<Duration>.duration(
        "request-timeout", env: "STATUSRELAY_RECONCILE_REQUEST_TIMEOUT", default: api.requestTimeout, "Timeout of one Twilio request.")
    package static let maxAttempts = Setting<Int>.int(
        "max-attempts", env: "STATUSRELAY_RECONCILE_MAX_ATTEMPTS", default: api.retry.maxAttempts, range: 1...100,
        "Attempts per request on 5xx, timeouts and unreadable answers before the message counts as failed (429/503 retry longer).")
    package static let pageSize = Setting<Int>.int(
        "page-size", env: "STATUSRELAY_RECONCILE_PAGE_SIZE", default: pass.pageSize, range: 1...1000, "PageSize of --discover list requests.")
    package static let every = Setting<Duration>.duration(
        "every", env: "STATUSRELAY_RECONCILE_EVERY", default: nil,
        "Run as a long-running service, one pass every DURATION (with /healthz, /readyz, /metrics on --admin-listen).")
    package static let adminListen = Setting<HostPort>.hostPort(
        "admin-listen", env: "STATUSRELAY_RECONCILE_ADMIN_LISTEN", default: HostPort(host: "127.0.0.1", port: 9466),
        "Admin HTTP address HOST:PORT of --every (port 0: any free port).")
    package static let brokers = KafkaSettings.brokers
    package static let topic = KafkaSettings.topic("The raw topic the ingress writes (and the consumer reads).")
    package static let kafkaCompression = KafkaSettings.compression("Batch compression of the produced events, as the ingress")
    package static let kafkaConfig = Setting<[String: String]>.keyValues(
        "kafka-config", env: "STATUSRELAY_KAFKA_CONFIG", "librdkafka property KEY=VALUE, applied last; repeatable (env: comma-separated).")
    package static let logFormat = LogFormat.setting
    package static let logLevel = Logger.Level.setting

    private static func scalar(_ name: String) -> @Sendable (ConfigurationValue) throws(ConfigurationError) -> String {
        { value throws(ConfigurationError) in
            guard case .scalar(let text) = value else {
                throw ConfigurationError(code: .invalidValue, setting: name, message: "expected a single value")
            }
            return text
        }
    }
}
