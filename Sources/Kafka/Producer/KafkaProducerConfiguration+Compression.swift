extension KafkaProducerConfiguration {
    /// `compression.type` values.
    public enum Compression: String, Sendable, Hashable, CaseIterable {
        case none
        case gzip
        case snappy
        case lz4
        case zstd
    }
}
