import AsyncHTTPClient
import Foundation
package import Kafka
package import Logging
import NIOCore
import NIOHTTP1
import StatusEvents
import StatusRelayCore
import Synchronization

/// `http(s)://…`: forwards each event to an existing Twilio-style status-callback handler as the
/// parameters such a handler reads (``StatusCallbackParameters``: a callback's own parameters, or
/// Event Streams and reconciliation events under Twilio's callback names), form-encoded and
/// re-signed with `X-Twilio-Signature` for the target URL, so an app that validates Twilio
/// signatures accepts them unchanged.
///
/// Extra headers: `X-StatusRelay-Event-Id`, `X-StatusRelay-Sequence`, `X-StatusRelay-Late` (and
/// `I-Twilio-Idempotency-Token` when the callback had one). Delivery is at least once: receivers
/// deduplicate on the event id.
///
/// Ordering: a message's event n+1 is sent only after event n succeeded or was dead-lettered; other
/// messages proceed concurrently (up to ``Configuration/maxConcurrency`` per batch and connections
/// per host). Retries and dead-lettering follow ``HTTPRetryPolicy``; dead-lettered events go to
/// `<source topic>.dlq` keyed by MessageSid, with the reason in the `statusrelay-dlq-*` headers.
/// `write` returns once every event of the batch was delivered or dead-lettered; it throws a retriable
/// error only when the dead-letter topic cannot take an event.
package final class HTTPForwardSink: EventSink {
    package struct Configuration: Sendable {
        /// Auth token the forwarded requests are signed with (HMAC-SHA1, Twilio's scheme). Required.
        /// Env `STATUSRELAY_FORWARD_AUTH_TOKEN`, flag `--forward-auth-token`. Never logged.
        package var authToken: String?
        /// Messages delivered in parallel within a batch, and connections per target host. Default 16.
        /// Env `STATUSRELAY_FORWARD_CONCURRENCY`, flag `--forward-concurrency`.
        package var maxConcurrency: Int = 16
        /// Attempts per event before it is dead-lettered, the first included. Default 6.
        /// Env `STATUSRELAY_FORWARD_MAX_ATTEMPTS`, flag `--forward-max-attempts`.
        package var maxAttempts: Int = 6
        /// First retry delay; doubles per attempt, with jitter. Default 250 ms.
        /// Env `STATUSRELAY_FORWARD_INITIAL_BACKOFF`.
        package var initialBackoff: Duration = .milliseconds(250)
        /// Cap of the exponential backoff. Default 30 s. Env `STATUSRELAY_FORWARD_MAX_BACKOFF`.
        package var maxBackoff: Duration = .seconds(30)
        /// Cap of a server's `Retry-After`. Default 60 s. Env `STATUSRELAY_FORWARD_MAX_RETRY_AFTER`.
        package var maxRetryAfter: Duration = .seconds(60)
        /// Timeout of one request, connect included. Default 10 s.
        /// Env `STATUSRELAY_FORWARD_REQUEST_TIMEOUT`, flag `--forward-request-timeout`.
        package var requestTimeout: Duration = .seconds(10)
        /// TCP connect timeout. Default 3 s. Env `STATUSRELAY_FORWARD_CONNECT_TIMEOUT`.
        package var connectTimeout: Duration = .seconds(3)

        package init(authToken: String? = nil) {
            self.authToken = authToken
        }

        var retryPolicy: HTTPRetryPolicy {
            HTTPRetryPolicy(
                maxAttempts: max(1, maxAttempts), initialBackoff: initialBackoff, maxBackoff: maxBackoff,
                maxRetryAfter: maxRetryAfter
            )
        }
    }

    package let name = "http"
    /// The target URL, exactly as configured: it is also the URL the signature covers.
    package let url: String
    private let authToken: String
    private let configuration: Configuration
    private let deadLetterProducer: KafkaProducer
    private let admin: KafkaAdminClient?
    /// Dead-letter topics known to exist (created through `admin`).
    private let deadLetterTopics = Mutex<Set<String>>([])
    private let clientConfiguration: HTTPClient.Configuration
    /// Created by `start`, shut down by `shutdown` (AsyncHTTPClient requires an explicit shutdown).
    private let client = Mutex<HTTPClient?>(nil)
    private let gate = KeyedGate()
    private let metrics: SinkMetrics
    private let logger: Logger

    package init(
        url: String,
        configuration: Configuration,
        deadLetterProducer: KafkaProducer,
        admin: KafkaAdminClient? = nil,
        logger: Logger
    ) throws(SinkError) {
        try Self.check(url: url)
        guard let token = configuration.authToken, !token.isEmpty else {
            throw SinkError(
                code: .invalidConfiguration, sink: "http",
                message: "forwarding needs an auth token to re-sign callbacks (STATUSRELAY_FORWARD_AUTH_TOKEN)"
            )
        }
        self.url = url
        self.authToken = token
        self.configuration = configuration
        self.deadLetterProducer = deadLetterProducer
        self.admin = admin
        self.logger = logger
        self.metrics = SinkMetrics(sink: "http")
        var clientConfiguration = HTTPClient.Configuration(
            redirectConfiguration: .disallow,
            timeout: .init(connect: .nanoseconds(configuration.connectTimeout.nanoseconds))
        )
        clientConfiguration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = max(1, configuration.maxConcurrency)
        self.clientConfiguration = clientConfiguration
    }

    package func start() async throws {
        client.withLock { client in
            if client == nil {
                client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: clientConfiguration)
            }
        }
        logger.info("HTTP forwarding sink ready", metadata: ["url": "\(SecretRedaction.redact(url: url))"])
    }

    package func write(_ batch: [ReleasedEvent]) async throws {
        guard !batch.isEmpty else { return }
        guard let client = client.withLock({ $0 }) else {
            throw SinkError(code: .notStarted, sink: name, message: "write before start")
        }
        let limit = max(1, configuration.maxConcurrency)
        try await withThrowingTaskGroup(of: Void.self) { group in
            var running = 0
            for message in MessageGroup.groups(of: batch) {
                if running >= limit {
                    try await group.next()
                    running -= 1
                }
                let events = message.indices.map { batch[$0] }
                group.addTask { try await self.deliverInOrder(message.messageSid, events, client) }
                running += 1
            }
            try await group.waitForAll()
        }
    }

    package func shutdown() async throws {
        guard let client = client.withLock({ client in defer { client = nil }; return client }) else { return }
        try await client.shutdown()
    }

    // MARK: - Delivery

    private func deliverInOrder(_ messageSid: String, _ events: [ReleasedEvent], _ client: HTTPClient) async throws {
        try await gate.acquire(messageSid)
        defer { gate.release(messageSid) }
        for released in events {
            try await deliver(released, client)
        }
    }

    /// Delivers one event with retries; dead-letters it when the policy says so.
    private func deliver(_ released: ReleasedEvent, _ client: HTTPClient) async throws {
        let policy = configuration.retryPolicy
        let request = makeRequest(released)
        var attempt = 0
        while true {
            attempt += 1
            let outcome: HTTPRetryPolicy.Outcome
            do {
                let response = try await client.execute(request, timeout: .nanoseconds(configuration.requestTimeout.nanoseconds))
                let retryAfter = response.headers.first(name: "Retry-After")
                // Drain the body so the connection can be reused.
                for try await _ in response.body {}
                outcome = policy.outcome(attempt: attempt, status: Int(response.status.code), retryAfter: retryAfter)
            } catch is CancellationError {
                throw CancellationError()
            } catch {
                try Task.checkCancellation()
                outcome = policy.outcome(attempt: attempt, status: nil, transportError: Self.describe(error))
            }
            switch outcome {
            case .delivered:
                return
            case .retry(let delay, let reason):
                metrics.retries.increment()
                logger.debug(
                    "Forwarding failed, retrying",
                    metadata: [
                        "event_id": "\(released.summary.id)", "attempt": "\(attempt)", "reason": "\(reason)",
                        "delay": "\(delay)",
                    ]
                )
                try await Task.sleep(for: delay)
            case .deadLetter(let reason, let detail):
                try await deadLetter(released, reason: reason, detail: detail, attempts: attempt)
                return
            }
        }
    }

    private func makeRequest(_ released: ReleasedEvent) -> HTTPClientRequest {
        let event = released.event
        let pairs = StatusCallbackParameters.pairs(for: event)
        let signature = SignatureVerifier.computeSignature(
            url: url, parameters: FormParameters(pairs), secret: authToken
        )
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
        request.headers.add(name: "User-Agent", value: "StatusRelay")
        request.headers.add(name: "X-Twilio-Signature", value: signature)
        request.headers.add(name: "X-StatusRelay-Event-Id", value: event.id)
        request.headers.add(name: "X-StatusRelay-Sequence", value: String(released.sequence))
        request.headers.add(name: "X-StatusRelay-Late", value: released.late ? "true" : "false")
        if let token = event.ingress.idempotencyToken {
            request.headers.add(name: "I-Twilio-Idempotency-Token", value: token)
        }
        request.body = .bytes(ByteBuffer(bytes: FormEncoding.encode(pairs)))
        return request
    }

    private func deadLetter(_ released: ReleasedEvent, reason: String, detail: String, attempts: Int) async throws {
        let topic = ConsumerServiceConfiguration.defaultDeadLetterTopic(topic: released.topic)
        let headers = [
            KafkaHeader(key: "statusrelay-dlq-reason", string: reason),
            KafkaHeader(key: "statusrelay-dlq-detail", string: detail),
            KafkaHeader(key: "statusrelay-dlq-sink", string: name),
            KafkaHeader(key: "statusrelay-dlq-target", string: SecretRedaction.redact(url: url)),
            KafkaHeader(key: "statusrelay-dlq-attempts", string: String(attempts)),
            KafkaHeader(key: "statusrelay-event-id", string: released.summary.id),
            KafkaHeader(key: "statusrelay-sequence", string: String(released.sequence)),
            KafkaHeader(key: "statusrelay-late", string: released.late ? "true" : "false"),
        ]
        // An event near the topic's size limit plus these headers may not fit the dead-letter topic.
        let message = DeadLetterRecord.truncatingValue(
            of: KafkaProducerMessage(
                topic: topic, key: Array(released.summary.messageSid.utf8), value: ReleasedEventJSON.record(released),
                headers: headers
            ),
            maxBytes: DeadLetterRecord.defaultMaxBytes
        )
        do {
            if let admin, !deadLetterTopics.withLock({ $0.contains(topic) }) {
                try await admin.createTopic(topic, partitions: 1)
                deadLetterTopics.withLock { _ = $0.insert(topic) }
            }
            _ = try await deadLetterProducer.send(message)
        } catch {
            throw SinkError(
                code: .deadLetterFailed, sink: name,
                message: "cannot dead-letter event \(released.summary.id) to \(topic): \(error)", isRetriable: true
            )
        }
        metrics.deadLettered(reason: reason)
        logger.warning(
            "Forwarding gave up; event dead-lettered",
            metadata: ["event_id": "\(released.summary.id)", "topic": "\(topic)", "reason": "\(reason)", "detail": "\(detail)"]
        )
    }

    /// An absolute http(s) URL with a host.
    static func check(url: String) throws(SinkError) {
        guard let parsed = URL(string: url), let scheme = parsed.scheme?.lowercased(),
            ["http", "https"].contains(scheme), parsed.host != nil
        else {
            throw SinkError(code: .invalidURL, sink: "http", message: "cannot parse forwarding URL \(SecretRedaction.redact(url: url))")
        }
    }

    static func describe(_ error: any Error) -> String {
        String(describing: error).prefix(200).description
    }
}
