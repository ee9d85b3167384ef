import Kafka
import StatusEvents

/// A record of the source topic after the reader decoded it, off the pipeline's critical path.
struct DecodedRecord: Sendable {
    enum Content: Sendable {
        case event(StatusEvent)
        /// Kept whole for the dead-letter topic.
        case undecodable(KafkaConsumerMessage, reason: String)
    }

    var partition: Int32
    var offset: Int64
    var content: Content

    init(_ message: KafkaConsumerMessage) {
        partition = message.partition
        offset = message.offset
        do {
            content = .event(try StatusEventCodec.decode(message.value))
        } catch {
            content = .undecodable(message, reason: "\(error)")
        }
    }
}
