import CRdKafka
import Logging

/// What librdkafka's C callbacks reach through the client's opaque pointer. Retained by ``RDKafkaClient``
/// until after `rd_kafka_destroy`, so callbacks never see a dangling pointer.
///
/// Handlers must not capture the client (that would be a cycle: client -> context -> handler -> client).
final class RDKafkaCallbackContext: Sendable {
    let logger: Logger
    /// Producer: a delivery report for the record with this per-message id.
    let onDelivery: (@Sendable (UInt, Result<KafkaDeliveryReport, KafkaError>) -> Void)?
    /// Consumer: a rebalance. The callback applies the (incremental) assignment itself.
    let onRebalance: (@Sendable (RDKafkaRebalance) -> Void)?

    init(
        logger: Logger,
        onDelivery: (@Sendable (UInt, Result<KafkaDeliveryReport, KafkaError>) -> Void)? = nil,
        onRebalance: (@Sendable (RDKafkaRebalance) -> Void)? = nil
    ) {
        self.logger = logger
        self.onDelivery = onDelivery
        self.onRebalance = onRebalance
    }

    static func from(_ opaque: UnsafeMutableRawPointer?) -> RDKafkaCallbackContext? {
        guard let opaque else { return nil }
        return Unmanaged<RDKafkaCallbackContext>.fromOpaque(opaque).takeUnretainedValue()
    }
}
