extension KafkaConsumerConfiguration {
    /// `auto.offset.reset` values.
    public enum AutoOffsetReset: String, Sendable, Hashable, CaseIterable {
        /// Start from the oldest record.
        case earliest
        /// Start from new records only.
        case latest
        /// Fail with an error.
        case error
    }
}
