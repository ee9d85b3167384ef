import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import StatusEvents
import StatusRelayCore

/// Answers a signed callback on the form or Event Streams route: media type, body limit,
/// signature, normalization, dead-lettering and publishing. Reached through the router after
/// the callback middleware (basic auth, rate and concurrency limits); errors are thrown for
/// `RequestOutcomeMiddleware`.
struct CallbackHandler: Sendable {
    typealias Context = IngressRequestContext

    struct Dependencies: Sendable {
        var configuration: IngressConfiguration
        var verifier: SignatureVerifier
        var urlResolver: PublicURLResolver
        var callbackNormalizer: StatusCallbackNormalizer
        var eventStreamsNormalizer: EventStreamsNormalizer
        var publisher: any EventPublishing
        var metrics: IngressMetrics
    }

    private let dependencies: Dependencies
    private let scheme: String
    // The configuration's values a request reads, taken once: copying the whole configuration per
    // request retained and released each of its strings and collections.
    private let maxBodySize: Int
    private let topic: String
    private let deadLetterTopic: String
    private let nodeID: String
    private let webhookLimits: WebhookLimits
    private let readsForwardingHeaders: Bool
    private let checksPeerAddress: Bool

    init(dependencies: Dependencies) {
        let configuration = dependencies.configuration
        self.dependencies = dependencies
        self.scheme = configuration.tlsCertificatePath == nil ? "http" : "https"
        self.maxBodySize = configuration.maxBodySize
        self.topic = configuration.topic
        self.deadLetterTopic = configuration.effectiveDeadLetterTopic
        self.nodeID = configuration.nodeID
        self.webhookLimits = configuration.webhookLimits
        self.readsForwardingHeaders = configuration.publicURL == nil
        self.checksPeerAddress = !configuration.trustedProxies.isEmpty
    }

    // MARK: Callbacks

    func callback(route: Route, request: Request, context: Context) async throws -> Response {
        let headers = CallbackHeaders(request.headers)
        let contentType = headers.contentType
        let kind = try MediaType.classify(contentType)
        let expected: WebhookRequest.BodyKind = route == .form ? .form : .json
        guard kind == expected else {
            throw WebhookError(
                code: .unsupportedMediaType,
                message: "expected \(expected == .form ? "application/x-www-form-urlencoded" : "application/json")"
            )
        }
        if let length = headers.contentLength.flatMap({ Int($0) }), length > maxBodySize {
            throw IngressError(code: .payloadTooLarge, message: "body exceeds \(maxBodySize) bytes")
        }
        let body = try await Self.collect(request.body, limit: maxBodySize)
        guard let signature = headers.signature, !signature.isEmpty else {
            throw WebhookError(code: .missingSignature, message: "X-Twilio-Signature header is missing")
        }
        let url = try dependencies.urlResolver.resolve(
            target: request.uri.string,
            headers: readsForwardingHeaders ? headers.forwarding(authority: request.head.authority) : [],
            peerAddress: checksPeerAddress ? context.peerAddress : nil,
            scheme: scheme
        )
        let webhook = try WebhookRequest(
            url: url, signature: signature, signatureSettings: headers.signatureSettings,
            contentType: contentType, body: body, limits: webhookLimits
        )
        do {
            _ = try dependencies.verifier.verify(webhook)
        } catch {
            throw SignatureRejection(underlying: error, signingURL: url)
        }

        let receivedAt = Self.nowMilliseconds()
        let idempotencyToken = headers.idempotencyToken
        let homeRegion = headers.homeRegion
        // Only for a dead letter: formatting the request id costs on every accepted callback.
        func origin() -> DeadLetterRecord.Origin {
            .init(topic: deadLetterTopic, route: route, requestID: context.id, nodeID: nodeID, receivedAt: receivedAt)
        }
        if route == .form {
            let event: StatusEvent
            do {
                event = try dependencies.callbackNormalizer.normalize(
                    webhook.parameters, idempotencyToken: idempotencyToken, homeRegion: homeRegion, receivedAt: receivedAt
                )
            } catch {
                try await deadLetter(
                    DeadLetterRecord.form(
                        raw: body, contentType: contentType, key: webhook.parameters.first("MessageSid"), error: error, origin: origin()
                    )
                )
                throw error
            }
            let path = try await dependencies.publisher.publish(Self.record(for: event, topic: topic))
            context.logger.debug("callback accepted", metadata: ["id": "\(event.id)", "durable": "\(path.rawValue)"])
            return IngressRouter.json(.ok, "{\"status\":\"accepted\",\"id\":\"\(event.id)\",\"durable\":\"\(path.rawValue)\"}")
        }

        let outcome = try dependencies.eventStreamsNormalizer.normalize(
            body: body, idempotencyToken: idempotencyToken, homeRegion: homeRegion, receivedAt: receivedAt
        )
        // Every rejected element of the batch in one record.
        if !outcome.rejections.isEmpty, let record = DeadLetterRecord.batch(outcome.rejections, origin: origin()) {
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
        let spooled = try await publishConcurrently(outcome.events, topic: topic)
        return IngressRouter.json(
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

    // MARK: Helpers

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

    static func nowMilliseconds() -> Int64 {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Int64(spec.tv_sec) * 1000 + Int64(spec.tv_nsec) / 1_000_000
    }
}
