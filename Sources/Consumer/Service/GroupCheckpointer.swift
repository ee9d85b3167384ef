import Kafka

/// The live consumer's checkpoint: message states into the state store, then the group's offsets.
struct GroupCheckpointer: Checkpointer {
    let stateStore: any StateStore
    let consumer: KafkaConsumer

    func restore(partitions: [Int32]) async throws -> [Int32: [String: MessageState]] {
        try await stateStore.restore(partitions: partitions)
    }

    func write(_ states: [Int32: [String: MessageState]], deleting evictions: [Int32: [String]]) async throws {
        try await stateStore.write(states, deleting: evictions)
    }

    func commit(_ offsets: [KafkaTopicPartitionOffset]) async throws {
        try await consumer.commit(offsets)
    }
}
