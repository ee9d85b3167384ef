import Foundation
import HTTPTypes
public import Hummingbird
import Logging
import NIOCore
import Prometheus
import StatusEvents
import StatusRelayCore

/// The whole HTTP surface in one responder: routing (404/405), limits (413/415/429), signature
/// verification, normalization, dead-lettering and publishing. Errors are turned into responses
/// by `HTTPErrorMapping` only.
public struct IngressResponder: HTTPResponder {
    public typealias Context = IngressRequestContext

    struct Dependencies: Sendable {
        var configuration: IngressConfiguration
        var verifier: SignatureVerifier
        var urlResolver: PublicURLResolver
        var callbackNormalizer: StatusCallbackNormalizer
        var eventStreamsNormalizer: EventStreamsNormalizer
        var publisher: any EventPublishing
        var metrics: IngressMetrics
        var readiness: ReadinessProbe
        var limiter: ConcurrencyLimiter
        var rateLimiter: RateLimiter
        /// Refreshes gauges (spool, producer queue) right before `/metrics` renders.
        var refreshGauges: @Sendable () -> Void
    }

    private let dependencies: Dependencies
    private let routes: [String: Route]
    private let acceptedCounters: [Route: Counter]
    private let scheme: String

    init(dependencies: Dependencies) {
        self.dependencies = dependencies
        let paths = dependencies.configuration.routes
        self.routes = [
            paths.form: .form, paths.eventStreams: .eventStreams, paths.health: .health,
            paths.ready: .ready, paths.metrics: .metrics,
        ]
        var counters: [Route: Counter] = [:]
        for route in Route.allCases where route != .unknown { counters[route] = dependencies.metrics.request(route: route.rawValue, outcome: "accepted") }
        self.acceptedCounters = counters
        self.scheme = dependencies.configuration.tlsCertificatePath == nil ? "http" : "https"
    }

    static let signatureHeader = HTTPField.Name("X-Twilio-Signature")!
    static let signatureSettingsHeader = HTTPField.Name("X-Twilio-Webhooks-Signature-Settings")!
    static let idempotencyHeader = HTTPField.Name("I-Twilio-Idempotency-Token")!
    static let homeRegionHeader = HTTPField.Name("X-Home-Region")!
    static let requestIDHeader = HTTPField.Name("X-Request-Id")!
    static let forwardingHeaders: [HTTPField.Name] = [
        .init("X-Forwarded-Proto")!, .init("X-Forwarded-Host")!, .init("X-Forwarded-Port")!, .init("Forwarded")!,
    ]

    public func respond(to request: Request, context: Context) async throws -> Response {
        let route = routes[request.uri.path] ?? .unknown
        var response: Response
        do {
            response = try await handle(route: route, request: request, context: context)
            acceptedCounters[route]?.increment()
        } catch {
            response = reject(error, route: route, request: request, context: context)
        }
        response.headers[Self.requestIDHeader] = context.id
        if request.headers[.connection] == "close" { response.headers[.connection] = "close" }
        return response
    }

    private func handle(route: Route, request: Request, context: Context) async throws -> Response {
        guard route != .unknown else {
            throw IngressError(code: .notFound, message: "no route for \(request.uri.path)")
        }
        let method = request.method.rawValue
        guard route.allowedMethods.contains(method) else {
            throw IngressError(code: .methodNotAllowed, message: "\(method) is not allowed here", allowedMethods: route.allowedMethods)
        }
        switch route {
        case .form, .eventStreams:
            // Before any other work: Twilio's first attempt at a URL with credentials has none.
            if let credentials = dependencies.urlResolver.credentials {
                switch credentials.check(authorization: request.headers[.authorization]) {
                case .valid: break
                case .missing: throw IngressError(code: .missingCredentials, message: "basic authentication required")
                case .invalid: throw IngressError(code: .invalidCredentials, message: "basic authentication failed")
                }
            }
            if let retryAfter = dependencies.rateLimiter.acquire() {
                throw IngressError(code: .rateLimited, message: "request rate limit exceeded", retryAfterSeconds: retryAfter)
            }
            guard dependencies.limiter.tryAcquire() else {
                throw IngressError(code: .tooManyRequests, message: "too many requests in progress")
            }
            defer { dependencies.limiter.release() }
            return try await callback(route: route, request: request, context: context)
        case .health:
            return Self.json(.ok, "{\"status\":\"alive\"}")
        case .ready:
            let status = await dependencies.readiness.status()
            let body = "{\"ready\":\(status.ready),\"kafka\":\"\(status.brokerReachable ? "reachable" : "unreachable")\","
                + "\"spool\":\"\(status.spoolHasRoom ? "has_room" : "full")\"}"
            return Self.json(status.ready ? .ok : .serviceUnavailable, body)
        case .metrics:
            dependencies.refreshGauges()
            let bytes = PrometheusExposition.render(dependencies.metrics.registry)
            var headers = HTTPFields()
            headers[.contentType] = PrometheusExposition.contentType
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
        case .unknown:
            throw IngressError(code: .notFound, message: "no route")
        }
    }

    // MARK: Callbacks

    private func callback(route: Route, request: Request, context: Context) async throws -> Response {
        let configuration = dependencies.configuration
        let contentType = request.headers[.contentType]
        let kind = try MediaType.classify(contentType)
        let expected: WebhookRequest.BodyKind = route == .form ? .form : .json
        guard kind == expected else {
            throw WebhookError(
                code: .unsupportedMediaType,
                message: "expected \(expected == .form ? "application/x-www-form-urlencoded" : "application/json")"
            )
        }
        if let length = request.headers[.contentLength].flatMap({ Int($0) }), length > configuration.maxBodySize {
            throw IngressError(code: .payloadTooLarge, message: "body exceeds \(configuration.maxBodySize) bytes")
        }
        let body = try await Self.collect(request.body, limit: configuration.maxBodySize)
        guard let signature = request.headers[Self.signatureHeader], !signature.isEmpty else {
            throw WebhookError(code: .missingSignature, message: "X-Twilio-Signature header is missing")
        }
        let url = try dependencies.urlResolver.resolve(
            target: request.uri.string,
            headers: configuration.publicURL == nil ? Self.forwarding(request.head) : [],
            peerAddress: configuration.trustedProxies.isEmpty ? nil : context.peerAddress,
            scheme: scheme
        )
        let webhook = try WebhookRequest(
            url: url, signature: signature, signatureSettings: request.headers[Self.signatureSettingsHeader],
            contentType: contentType, body: body, limits: configuration.webhookLimits
        )
        do {
            _ = try dependencies.verifier.verify(webhook)
        } catch {
            throw SignatureRejection(underlying: error, signingURL: url)
        }

        let receivedAt = Self.nowMilliseconds()
        let idempotencyToken = request.headers[Self.idempotencyHeader]
        let homeRegion = request.headers[Self.homeRegionHeader]
        let origin = DeadLetterRecord.Origin(
            topic: configuration.effectiveDeadLetterTopic, route: route, requestID: context.id, nodeID: configuration.nodeID,
            receivedAt: receivedAt
        )
        if route == .form {
            let event: StatusEvent
            do {
                event = try dependencies.callbackNormalizer.normalize(
                    webhook.parameters, idempotencyToken: idempotencyToken, homeRegion: homeRegion, receivedAt: receivedAt
                )
            } catch {
                try await deadLetter(
                    DeadLetterRecord.form(
                        raw: body, contentType: contentType, key: webhook.parameters.first("MessageSid"), error: error, origin: origin
                    )
                )
                throw error
            }
            let path = try await dependencies.publisher.publish(Self.record(for: event, topic: configuration.topic))
            context.logger.debug("callback accepted", metadata: ["id": "\(event.id)", "durable": "\(path.rawValue)"])
            return Self.json(.ok, "{\"status\":\"accepted\",\"id\":\"\(event.id)\",\"durable\":\"\(path.rawValue)\"}")
        }

        let outcome = try dependencies.eventStreamsNormalizer.normalize(
            body: body, idempotencyToken: idempotencyToken, homeRegion: homeRegion, receivedAt: receivedAt
        )
        // Every rejected element of the batch in one record.
        if let record = DeadLetterRecord.batch(outcome.rejections, origin: origin) {
            try await deadLetter(record)
        }
        // One line per type and batch (a subscription may add many); the Sink Test's test_id each.
        var otherTypes: [String: Int] = [:]
        for other in outcome.otherEvents {
            dependencies.metrics.otherEvent(type: other.type).increment()
            otherTypes[other.type, default: 0] += 1
            if let testId = other.testId {
                context.logger.info("Event Streams sink test event received", metadata: ["test_id": "\(testId)", "ce_id": "\(other.id ?? "")"])
            }
        }
        for (type, count) in otherTypes.sorted(by: { $0.key < $1.key }) {
            context.logger.info("Event Streams events of another type counted, not published", metadata: ["type": "\(type)", "count": "\(count)"])
        }
        if outcome.events.isEmpty, outcome.otherEvents.isEmpty, let first = outcome.rejections.first {
            throw first.error
        }
        let spooled = try await publishConcurrently(outcome.events, topic: configuration.topic)
        return Self.json(
            .ok,
            "{\"status\":\"accepted\",\"accepted\":\(outcome.events.count),\"rejected\":\(outcome.rejections.count),\"other\":\(outcome.otherEvents.count),\"spooled\":\(spooled)}"
        )
    }

    /// Publishes a batch's events at once, so a batch costs about one publish's latency rather
    /// than one per event (the consumer orders each message's events by lifecycle anyway).
    /// Returns how many went to the spool; throws the first failure once all have finished.
    private func publishConcurrently(_ events: [StatusEvent], topic: String) async throws -> Int {
        let publisher = dependencies.publisher
        return try await withThrowingTaskGroup(of: EventPublisher.Path.self) { group in
            for event in events {
                let record = Self.record(for: event, topic: topic)
                group.addTask { try await publisher.publish(record) }
            }
            var spooled = 0
            var failure: (any Error)?
            while let result = await group.nextResult() {
                switch result {
                case .success(let path): if path == .spool { spooled += 1 }
                case .failure(let error): failure = failure ?? error
                }
            }
            if let failure { throw failure }
            return spooled
        }
    }

    /// Publishes a signed request that failed normalization to the dead-letter topic.
    private func deadLetter(_ record: SpoolRecord) async throws {
        do {
            _ = try await dependencies.publisher.publish(record)
            dependencies.metrics.deadLettered.increment()
        } catch {
            dependencies.metrics.deadLetterFailures.increment()
            throw error
        }
    }

    static func record(for event: StatusEvent, topic: String) -> SpoolRecord {
        let headers = CloudEventHeaders.headers(for: event).map { SpoolRecord.Header(key: $0.key, value: Array($0.value.utf8)) }
        return SpoolRecord(
            topic: topic, key: Array(event.messageSid.utf8), value: StatusEventCodec.encode(event), headers: headers,
            timestampMs: event.receivedAt
        )
    }

    // MARK: Rejections

    private func reject(_ error: any Error, route: Route, request: Request, context: Context) -> Response {
        let rejection = HTTPErrorMapping.rejection(for: error)
        dependencies.metrics.request(route: route.rawValue, outcome: rejection.reason).increment()
        if rejection.isSignatureFailure {
            dependencies.metrics.signatureFailure(reason: rejection.reason).increment()
        }
        if rejection.isBasicAuthFailure {
            dependencies.metrics.basicAuthFailure(reason: rejection.reason).increment()
        }
        var metadata: Logger.Metadata = [
            "status": "\(rejection.status.code)", "reason": "\(rejection.reason)", "route": "\(route.rawValue)",
            "method": "\(request.method.rawValue)",
        ]
        if let field = rejection.field { metadata["field"] = "\(field)" }
        if let signingURL = rejection.signingURL {
            metadata["signing_url"] = "\(signingURL)"
            metadata["hint"] = "\(SignatureRejection.hint)"
        }
        if route == .unknown { metadata["path"] = "\(request.uri.path.prefix(200))" }
        let level: Logger.Level = rejection.status.code >= 500 ? .error : .notice
        context.logger.log(level: level, "request rejected", metadata: metadata)
        var response = Self.json(rejection.status, HTTPErrorMapping.body(for: rejection, requestID: context.id))
        for field in rejection.extraHeaders { response.headers.append(field) }
        return response
    }

    // MARK: Helpers

    static func json(_ status: HTTPResponse.Status, _ body: String) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: body)))
    }

    static func collect(_ body: RequestBody, limit: Int) async throws -> [UInt8] {
        var bytes: [UInt8] = []
        do {
            for try await chunk in body {
                guard bytes.count + chunk.readableBytes <= limit else {
                    throw IngressError(code: .payloadTooLarge, message: "body exceeds \(limit) bytes")
                }
                bytes.append(contentsOf: chunk.readableBytesView)
            }
        } catch let error as IngressError {
            throw error
        } catch {
            throw IngressError(code: .bodyReadFailed, message: "could not read the request body")
        }
        return bytes
    }

    /// Host (HTTP/1 `Host` arrives as the `:authority` pseudo-header) and forwarding headers.
    static func forwarding(_ head: HTTPRequest) -> [(name: String, value: String)] {
        var result: [(name: String, value: String)] = []
        if let authority = head.authority { result.append(("host", authority)) }
        for name in forwardingHeaders {
            if let value = head.headerFields[name] { result.append((name.canonicalName, value)) }
        }
        return result
    }

    static func nowMilliseconds() -> Int64 {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Int64(spec.tv_sec) * 1000 + Int64(spec.tv_nsec) / 1_000_000
    }
}
