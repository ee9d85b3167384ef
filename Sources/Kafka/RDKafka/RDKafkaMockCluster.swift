import CRdKafka

/// Owns an `rd_kafka_mock_cluster_t` and the client it lives in (which must outlive it).
///
/// `@unchecked Sendable`: the mock cluster API is thread-safe (it posts operations to the cluster's thread),
/// and the pointer is destroyed only in `deinit`.
final class RDKafkaMockCluster: @unchecked Sendable {
    private let pointer: OpaquePointer
    private let client: RDKafkaClient
    let bootstrapServers: [String]

    /// librdkafka's code for "drop the connection" when used as an injected error.
    static let disconnectCode = RD_KAFKA_RESP_ERR__TRANSPORT.rawValue

    init(brokers: Int32, client: RDKafkaClient) throws(KafkaError) {
        guard let pointer = rd_kafka_mock_cluster_new(client.handle, brokers) else {
            throw KafkaError(code: .underlying, message: "cannot start the librdkafka mock cluster")
        }
        self.pointer = pointer
        self.client = client
        bootstrapServers = String(cString: rd_kafka_mock_cluster_bootstraps(pointer)).split(separator: ",").map(String.init)
    }

    deinit {
        rd_kafka_mock_cluster_destroy(pointer)
    }

    func createTopic(_ name: String, partitions: Int32, replicationFactor: Int32) throws(KafkaError) {
        let error = rd_kafka_mock_topic_create(pointer, name, partitions, replicationFactor)
        guard error == RD_KAFKA_RESP_ERR_NO_ERROR else { throw RDKafkaError.make(error, context: "mock topic \(name)") }
    }

    func pushRequestErrors(apiKey: Int16, codes: [Int32]) {
        let errors = codes.map { rd_kafka_resp_err_t(rawValue: $0) }
        rd_kafka_mock_push_request_errors_array(pointer, apiKey, errors.count, errors)
    }

    func clearRequestErrors(apiKey: Int16) {
        rd_kafka_mock_clear_request_errors(pointer, apiKey)
    }

    func setBroker(_ brokerID: Int32, up: Bool) {
        _ = up ? rd_kafka_mock_broker_set_up(pointer, brokerID) : rd_kafka_mock_broker_set_down(pointer, brokerID)
    }
}
