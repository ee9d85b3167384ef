import AsyncHTTPClient
import Foundation
package import Logging
import StatusRelayCore
import NIOCore
import NIOHTTP1
import StatusEvents
import Synchronization

/// Reads Message resources from Twilio's REST API (2010-04-01), as Twilio's OpenAPI description
/// defines the two read endpoints (the contract fixtures in `Tests/Fixtures/twilio-api`).
///
/// Every request goes through the pacer (optional requests/s limit, shared pause after 429/503),
/// has its own timeout, and is retried by `TwilioRetryPolicy`. Credentials travel only in the
/// `Authorization` header; errors and logs name the method and path, never the header.
package final class TwilioAPIClient: Sendable {
    package struct Configuration: Sendable {
        /// `https://api.twilio.com`, a regional endpoint, or a stand-in.
        package var baseURL: String
        package var requestTimeout: Duration
        package var retry: TwilioRetryPolicy
        /// nil: no limit beyond the caller's concurrency.
        package var maxRequestsPerSecond: Double?
        /// Bound on one Message body and on one list page body.
        package var maxMessageBytes: Int
        package var maxPageBytes: Int

        package init(
            baseURL: String = "https://api.twilio.com", requestTimeout: Duration = .seconds(10),
            retry: TwilioRetryPolicy = TwilioRetryPolicy(), maxRequestsPerSecond: Double? = nil,
            maxMessageBytes: Int = 1 << 20, maxPageBytes: Int = 64 << 20
        ) {
            self.baseURL = baseURL
            self.requestTimeout = requestTimeout
            self.retry = retry
            self.maxRequestsPerSecond = maxRequestsPerSecond
            self.maxMessageBytes = maxMessageBytes
            self.maxPageBytes = maxPageBytes
        }
    }

    /// Counters since the client was made.
    package struct Statistics: Sendable, Hashable {
        package var requests = 0
        package var throttled = 0
        package var retries = 0
        package var timeouts = 0
        package var serverErrors = 0
    }

    package let configuration: Configuration
    private let base: String
    private let authorization: String
    private let http: HTTPClient
    private let pacer: RequestPacer
    private let counters = Mutex(Statistics())
    private let logger: Logger

    package init(configuration: Configuration, credentials: TwilioCredentials, logger: Logger) {
        self.configuration = configuration
        var base = configuration.baseURL
        while base.hasSuffix("/") { base.removeLast() }
        self.base = base
        authorization = credentials.authorizationHeader
        var httpConfiguration = HTTPClient.Configuration()
        httpConfiguration.timeout = .init(connect: .seconds(5))
        httpConfiguration.redirectConfiguration = .disallow
        httpConfiguration.connectionPool = .init(idleTimeout: .seconds(60))
        http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: httpConfiguration)
        pacer = RequestPacer(maxRequestsPerSecond: configuration.maxRequestsPerSecond)
        self.logger = logger
    }

    package var statistics: Statistics { counters.withLock { $0 } }

    package func shutdown() async {
        try? await http.shutdown()
    }

    /// `GET /2010-04-01/Accounts/{account}/Messages/{sid}.json`.
    package func fetchMessage(account: String, sid: String) async throws(TwilioAPIError) -> TwilioFetchResult {
        let path = "/2010-04-01/Accounts/\(account)/Messages/\(sid).json"
        switch try await get(path: path, limit: configuration.maxMessageBytes) {
        case .notFound:
            return .notFound
        case .body(let body):
            // `get` returns only bodies that parse.
            guard let value = try? JSONValue.parse(body), case .object = value else {
                throw TwilioAPIError(code: .invalidResponse, status: 200, message: "GET \(path): the answer is not a JSON object")
            }
            return .message(value)
        }
    }

    /// The first page of `GET …/Messages.json` sent in `[since, until)` (`DateSent>`/`DateSent<`,
    /// ISO 8601 as Twilio's helper libraries send date-time filters).
    package func firstPagePath(account: String, since: Int64, until: Int64?, pageSize: Int) -> String {
        var query = "DateSent%3E=" + ReportTimeSpec.formatISO(since)
        if let until { query += "&DateSent%3C=" + ReportTimeSpec.formatISO(until) }
        query += "&PageSize=\(pageSize)"
        return "/2010-04-01/Accounts/\(account)/Messages.json?" + query
    }

    /// One list page. `path` is `firstPagePath(…)` or a page's `next_page_uri`; anything that is
    /// not a path on the configured base URL is refused, so credentials never go elsewhere.
    package func listPage(path: String) async throws(TwilioAPIError) -> TwilioMessagePage {
        guard path.hasPrefix("/2010-04-01/Accounts/"), !path.contains("://") else {
            throw TwilioAPIError(code: .invalidResponse, message: "next_page_uri is not an API path: \(path.prefix(200))")
        }
        switch try await get(path: path, limit: configuration.maxPageBytes) {
        case .notFound:
            throw TwilioAPIError(code: .rejected, status: 404, twilioCode: 20404, message: "GET \(Self.redactQuery(path)): not found")
        case .body(let body):
            do {
                return try TwilioMessagePage.parse(body)
            } catch {
                var error = error
                error.message = "GET \(Self.redactQuery(path)): " + error.message
                throw error
            }
        }
    }

    private enum Answer {
        case body([UInt8])
        case notFound
    }

    private func get(path: String, limit: Int) async throws(TwilioAPIError) -> Answer {
        var transientAttempts = 0
        var throttledAttempts = 0
        let shownPath = Self.redactQuery(path)
        while true {
            let failure: TwilioRetryPolicy.Failure
            var lastStatus: Int?
            var lastTwilioCode: Int?
            var lastError: (any Error)?
            do {
                try await pacer.acquire()
            } catch {
                throw TwilioAPIError(code: .exhausted, message: "GET \(shownPath): cancelled", underlying: error)
            }
            counters.withLock { $0.requests += 1 }
            var request = HTTPClientRequest(url: base + path)
            request.method = .GET
            request.headers.add(name: "Authorization", value: authorization)
            request.headers.add(name: "Accept", value: "application/json")
            request.headers.add(name: "User-Agent", value: "statusrelay-reconcile")
            do {
                let response = try await http.execute(request, timeout: .milliseconds(configuration.requestTimeout.milliseconds))
                let status = Int(response.status.code)
                lastStatus = status
                let body = try await response.body.collect(upTo: limit)
                let bytes = Array(body.readableBytesView)
                switch status {
                case 200:
                    // An unreadable body is retried like a 5xx: a proxy may have cut it.
                    if (try? JSONValue.parse(bytes)) != nil { return .body(bytes) }
                    lastError = TwilioAPIError(code: .invalidResponse, status: 200, message: "the body is not JSON")
                    failure = .transient
                case 404:
                    return .notFound
                case 401, 403:
                    let code = Self.twilioErrorCode(bytes)
                    throw TwilioAPIError(
                        code: status == 401 ? .unauthorized : .forbidden, status: status, twilioCode: code,
                        message: status == 401
                            ? "GET \(shownPath): Twilio refused the credentials; check TWILIO_ACCOUNT_SID/TWILIO_AUTH_TOKEN or TWILIO_API_KEY/TWILIO_API_SECRET"
                            : "GET \(shownPath): the credentials may not read this account's messages (subaccount of another parent?)"
                    )
                case 429, 503:
                    lastTwilioCode = Self.twilioErrorCode(bytes)
                    counters.withLock { $0.throttled += 1 }
                    failure = .throttled(retryAfter: response.headers.first(name: "Retry-After"))
                case 500...599:
                    lastTwilioCode = Self.twilioErrorCode(bytes)
                    counters.withLock { $0.serverErrors += 1 }
                    failure = .transient
                default:
                    throw TwilioAPIError(
                        code: .rejected, status: status, twilioCode: Self.twilioErrorCode(bytes),
                        message: "GET \(shownPath): Twilio answered \(status)"
                    )
                }
            } catch let error as TwilioAPIError {
                throw error
            } catch {
                if Task.isCancelled {
                    throw TwilioAPIError(code: .exhausted, message: "GET \(shownPath): cancelled", underlying: error)
                }
                if let error = error as? HTTPClientError, error == .deadlineExceeded || error == .readTimeout {
                    counters.withLock { $0.timeouts += 1 }
                }
                lastError = error
                failure = .transient
            }
            let attempts: Int
            switch failure {
            case .throttled:
                throttledAttempts += 1
                attempts = throttledAttempts
            case .transient:
                transientAttempts += 1
                attempts = transientAttempts
            }
            guard let delay = configuration.retry.delay(after: failure, attempts: attempts, random: Double.random(in: 0..<1)) else {
                throw TwilioAPIError(
                    code: .exhausted, status: lastStatus, twilioCode: lastTwilioCode,
                    message: "GET \(shownPath): gave up after \(transientAttempts + throttledAttempts) attempts"
                        + (lastError.map { " (last: \($0))" } ?? ""),
                    underlying: lastError
                )
            }
            if case .throttled = failure { pacer.pause(for: delay) }
            counters.withLock { $0.retries += 1 }
            logger.debug(
                "retrying Twilio request",
                metadata: ["path": "\(shownPath)", "status": "\(lastStatus.map(String.init) ?? "none")", "delay": "\(delay)"]
            )
            do {
                try await Task.sleep(for: delay)
            } catch {
                throw TwilioAPIError(code: .exhausted, message: "GET \(shownPath): cancelled", underlying: error)
            }
        }
    }

    /// Twilio's JSON error body `{"code": 20429, …}`, if the body is one.
    static func twilioErrorCode(_ body: [UInt8]) -> Int? {
        guard let value = try? JSONValue.parse(body), case .number(let text)? = value["code"] else { return nil }
        return Int(text)
    }

    /// Paths in messages keep only their path: list queries carry phone numbers and page tokens.
    static func redactQuery(_ path: String) -> String {
        guard let question = path.firstIndex(of: "?") else { return path }
        return String(path[..<question]) + "?…"
    }
}
