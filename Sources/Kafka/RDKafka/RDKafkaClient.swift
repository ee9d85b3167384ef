import CRdKafka
import Logging

/// Owns one `rd_kafka_t` handle and the callback context its C callbacks reach.
///
/// `@unchecked Sendable`: librdkafka handles are thread-safe for every call this type exposes; the handle
/// is created in `init` and destroyed only in `deinit`, when no other reference can use it.
final class RDKafkaClient: @unchecked Sendable {
    enum Kind {
        case producer
        case consumer

        var cType: rd_kafka_type_t { self == .producer ? RD_KAFKA_PRODUCER : RD_KAFKA_CONSUMER }
    }

    let handle: OpaquePointer
    let logger: Logger
    private let context: Unmanaged<RDKafkaCallbackContext>

    /// Creates the handle. `properties` are applied in order (later ones win).
    init(
        kind: Kind,
        properties: [(String, String)],
        context: RDKafkaCallbackContext,
        logger: Logger
    ) throws(KafkaError) {
        guard let configuration = rd_kafka_conf_new() else {
            throw KafkaError(code: .underlying, message: "rd_kafka_conf_new failed")
        }
        var errorBuffer = [CChar](repeating: 0, count: 512)
        for (key, value) in properties {
            let result = rd_kafka_conf_set(configuration, key, value, &errorBuffer, errorBuffer.count)
            guard result == RD_KAFKA_CONF_OK else {
                rd_kafka_conf_destroy(configuration)
                // librdkafka's message can quote the value, so it is only shown for non-secret keys.
                let detail =
                    RDKafkaSecrets.isSecret(key)
                    ? (result == RD_KAFKA_CONF_UNKNOWN ? "unknown property" : "invalid value")
                    : Self.string(errorBuffer)
                throw .invalidConfiguration("configuration property \"\(key)\" rejected: \(detail)")
            }
        }
        rd_kafka_conf_set_log_cb(configuration, RDKafkaCallbacks.log)
        if context.onDelivery != nil {
            rd_kafka_conf_set_dr_msg_cb(configuration, RDKafkaCallbacks.deliveryReport)
        }
        if context.onRebalance != nil {
            rd_kafka_conf_set_rebalance_cb(configuration, RDKafkaCallbacks.rebalance)
        }
        let retained = Unmanaged.passRetained(context)
        rd_kafka_conf_set_opaque(configuration, retained.toOpaque())

        // On success rd_kafka_new takes ownership of the configuration.
        guard let handle = rd_kafka_new(kind.cType, configuration, &errorBuffer, errorBuffer.count) else {
            rd_kafka_conf_destroy(configuration)
            retained.release()
            throw .invalidConfiguration("cannot create the Kafka client: \(Self.string(errorBuffer))")
        }
        self.handle = handle
        self.context = retained
        self.logger = logger
        logger.debug(
            "created librdkafka \(kind) client",
            metadata: [
                "librdkafka.version": "\(KafkaLibrary.versionString)",
                "librdkafka.config": "\(properties.map { RDKafkaSecrets.describe($0.0, $0.1) }.joined(separator: " "))",
            ]
        )
    }

    deinit {
        // Blocks until librdkafka's threads end; owners arrange for the last reference to drop on a
        // non-cooperative thread (the poll thread) where possible.
        rd_kafka_destroy(handle)
        context.release()
    }

    /// Serves queued callbacks (delivery reports, logs, errors), waiting up to `timeoutMs` for the first.
    @discardableResult
    func poll(timeoutMs: Int32) -> Int32 {
        rd_kafka_poll(handle, timeoutMs)
    }

    var outQueueLength: Int { Int(rd_kafka_outq_len(handle)) }

    /// Blocking. Returns false when records remained after the timeout.
    func flush(timeoutMs: Int32) -> Bool {
        rd_kafka_flush(handle, timeoutMs) == RD_KAFKA_RESP_ERR_NO_ERROR
    }

    func purgeAll() {
        _ = rd_kafka_purge(handle, Int32(RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT))
    }

    /// Whether the client raised a fatal error (cheap: no string is built).
    var hasFatalError: Bool {
        rd_kafka_fatal_error(handle, nil, 0) != RD_KAFKA_RESP_ERR_NO_ERROR
    }

    /// The client's fatal error, if one was raised.
    var fatalError: KafkaError? {
        var buffer = [CChar](repeating: 0, count: 8)
        guard rd_kafka_fatal_error(handle, &buffer, buffer.count) != RD_KAFKA_RESP_ERR_NO_ERROR else { return nil }
        return RDKafkaError.fatal(client: handle, context: "client")
    }

    /// Blocking metadata request. `allTopics` false asks only for brokers (and locally known topics).
    func withMetadata<T>(
        allTopics: Bool, timeoutMs: Int32, _ body: (UnsafePointer<rd_kafka_metadata>) throws(KafkaError) -> T
    ) throws(KafkaError) -> T {
        var metadata: UnsafePointer<rd_kafka_metadata>?
        let error = rd_kafka_metadata(handle, allTopics ? 1 : 0, nil, &metadata, timeoutMs)
        guard error == RD_KAFKA_RESP_ERR_NO_ERROR, let metadata else {
            throw RDKafkaError.make(error, context: "metadata request", client: handle)
        }
        defer { rd_kafka_metadata_destroy(metadata) }
        return try body(metadata)
    }

    /// Blocking: whether a broker answers a metadata request within the timeout.
    func isBrokerReachable(timeoutMs: Int32) -> Bool {
        (try? withMetadata(allTopics: false, timeoutMs: timeoutMs) { $0.pointee.broker_cnt > 0 }) ?? false
    }

    static func string(_ buffer: [CChar]) -> String {
        String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
