import CRdKafka
public import Logging

/// librdkafka's built-in mock Kafka cluster, listening on 127.0.0.1. For tests only: it injects broker errors
/// that a real broker cannot produce on demand. Point clients at ``bootstrapServers``.
///
/// The mock cluster does not support CreateTopics; use ``createTopic(_:partitions:)``.
public final class KafkaMockCluster: Sendable {
    /// Kafka protocol request types errors can be injected into.
    public struct API: Hashable, Sendable {
        let key: Int16
        public static let produce = API(key: 0)
        public static let fetch = API(key: 1)
        public static let listOffsets = API(key: 2)
        public static let metadata = API(key: 3)
        public static let offsetCommit = API(key: 8)
        public static let initProducerID = API(key: 22)
    }

    /// Broker error responses to inject (Kafka protocol error codes).
    public struct BrokerError: Hashable, Sendable {
        let code: Int32
        public static let leaderNotAvailable = BrokerError(code: 5)
        public static let notLeaderForPartition = BrokerError(code: 6)
        public static let requestTimedOut = BrokerError(code: 7)
        public static let notEnoughReplicas = BrokerError(code: 19)
        public static let notEnoughReplicasAfterAppend = BrokerError(code: 20)
        public static let messageTooLarge = BrokerError(code: 10)
        public static let topicAuthorizationFailed = BrokerError(code: 29)
        /// The broker drops the connection instead of answering.
        public static let disconnect = BrokerError(code: RD_KAFKA_RESP_ERR__TRANSPORT.rawValue)
    }

    private let cluster: MockHandle
    public let bootstrapServers: [String]

    /// Owns the `rd_kafka_mock_cluster_t` and the client it lives in (which must outlive it).
    /// `@unchecked Sendable`: the mock cluster API is thread-safe (it posts operations to the cluster's thread).
    private final class MockHandle: @unchecked Sendable {
        let pointer: OpaquePointer
        let client: RDKafkaClient
        init(_ pointer: OpaquePointer, client: RDKafkaClient) {
            self.pointer = pointer
            self.client = client
        }
        deinit { rd_kafka_mock_cluster_destroy(pointer) }
    }

    public init(brokers: Int32 = 1, logger: Logger) throws(KafkaError) {
        let client = try RDKafkaClient(
            kind: .producer, properties: [("client.id", "statusrelay-mock-cluster")],
            context: RDKafkaCallbackContext(logger: logger), logger: logger
        )
        guard let pointer = rd_kafka_mock_cluster_new(client.handle, brokers) else {
            throw KafkaError(code: .underlying, message: "cannot start the librdkafka mock cluster")
        }
        cluster = MockHandle(pointer, client: client)
        bootstrapServers = String(cString: rd_kafka_mock_cluster_bootstraps(pointer)).split(separator: ",").map(String.init)
    }

    public func createTopic(_ name: String, partitions: Int32, replicationFactor: Int32 = 1) throws(KafkaError) {
        let error = rd_kafka_mock_topic_create(cluster.pointer, name, partitions, replicationFactor)
        guard error == RD_KAFKA_RESP_ERR_NO_ERROR else { throw RDKafkaError.make(error, context: "mock topic \(name)") }
    }

    /// The next `errors.count` requests of `api` fail with these errors, in order.
    public func failNextRequests(_ api: API, with errors: [BrokerError]) {
        let codes = errors.map { rd_kafka_resp_err_t(rawValue: $0.code) }
        rd_kafka_mock_push_request_errors_array(cluster.pointer, api.key, codes.count, codes)
    }

    /// Drops the errors still queued for `api`.
    public func clearRequestErrors(_ api: API) {
        rd_kafka_mock_clear_request_errors(cluster.pointer, api.key)
    }

    public func setBrokerDown(_ brokerID: Int32) {
        _ = rd_kafka_mock_broker_set_down(cluster.pointer, brokerID)
    }

    public func setBrokerUp(_ brokerID: Int32) {
        _ = rd_kafka_mock_broker_set_up(cluster.pointer, brokerID)
    }
}
