public import Logging

/// librdkafka's built-in mock Kafka cluster, listening on 127.0.0.1. For tests only: it injects broker errors
/// that a real broker cannot produce on demand. Point clients at ``bootstrapServers``.
///
/// The mock cluster does not support CreateTopics (use ``createTopic(_:partitions:replicationFactor:)``) nor
/// offsets-for-times.
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
        public static let messageTooLarge = BrokerError(code: 10)
        public static let notEnoughReplicas = BrokerError(code: 19)
        public static let notEnoughReplicasAfterAppend = BrokerError(code: 20)
        public static let topicAuthorizationFailed = BrokerError(code: 29)
        /// Idempotent producer errors: librdkafka raises a fatal error for these (the handle must be replaced).
        public static let outOfOrderSequenceNumber = BrokerError(code: 45)
        public static let invalidProducerEpoch = BrokerError(code: 47)
        public static let unknownProducerID = BrokerError(code: 59)
        public static let producerFenced = BrokerError(code: 90)
        /// The broker drops the connection instead of answering.
        public static let disconnect = BrokerError(code: RDKafkaMockCluster.disconnectCode)
    }

    private let cluster: RDKafkaMockCluster

    public var bootstrapServers: [String] { cluster.bootstrapServers }

    public init(brokers: Int32 = 1, logger: Logger) throws(KafkaError) {
        let client = try RDKafkaClient(
            kind: .producer, properties: [("client.id", "statusrelay-mock-cluster")],
            context: RDKafkaCallbackContext(logger: logger), logger: logger
        )
        cluster = try RDKafkaMockCluster(brokers: brokers, client: client)
    }

    public func createTopic(_ name: String, partitions: Int32, replicationFactor: Int32 = 1) throws(KafkaError) {
        try cluster.createTopic(name, partitions: partitions, replicationFactor: replicationFactor)
    }

    /// The next `errors.count` requests of `api` fail with these errors, in order.
    public func failNextRequests(_ api: API, with errors: [BrokerError]) {
        cluster.pushRequestErrors(apiKey: api.key, codes: errors.map(\.code))
    }

    /// Drops the errors still queued for `api`.
    public func clearRequestErrors(_ api: API) {
        cluster.clearRequestErrors(apiKey: api.key)
    }

    public func setBrokerDown(_ brokerID: Int32) {
        cluster.setBroker(brokerID, up: false)
    }

    public func setBrokerUp(_ brokerID: Int32) {
        cluster.setBroker(brokerID, up: true)
    }
}
