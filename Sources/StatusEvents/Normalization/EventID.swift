import Crypto

/// The deterministic event id.
///
/// `id = lowercase hex SHA-256 of the canonical JSON text`
/// `["statusrelay-event-id/1", <source>, [[<name>, [<value>, ...]], ...]]`
/// where the pairs are every received parameter grouped by name, names sorted by UTF-8 bytes, each
/// name's values in received order, written compactly by the event encoder's JSON writer.
/// For Event Streams the parameters are the `data` members plus the CloudEvent attributes as
/// `ce_<attribute>` (see `EventStreamsNormalizer`).
///
/// Not included: `receivedAt`, HTTP headers (idempotency token, home region), the ingress node and
/// the URL, so a duplicate delivery of the same content gets the same id on any node.
public enum EventID {
    public static let version = "statusrelay-event-id/1"

    public static func compute(source: StatusEvent.Source, parameters: FormParameters) -> String {
        compute(source: source, grouped: group(parameters))
    }

    static func compute(source: StatusEvent.Source, grouped: [(name: String, values: [String])]) -> String {
        var writer = JSONWriter(capacity: 512)
        writer.byte(UInt8(ascii: "["))
        writer.string(version)
        writer.byte(UInt8(ascii: ","))
        writer.string(source.rawValue)
        writer.raw(",[")
        for (offset, entry) in grouped.enumerated() {
            if offset > 0 { writer.byte(UInt8(ascii: ",")) }
            writer.byte(UInt8(ascii: "["))
            writer.string(entry.name)
            writer.raw(",[")
            for (valueOffset, value) in entry.values.enumerated() {
                if valueOffset > 0 { writer.byte(UInt8(ascii: ",")) }
                writer.string(value)
            }
            writer.raw("]]")
        }
        writer.raw("]]")
        return SHA256.hash(data: writer.bytes).withUnsafeBytes { ByteEncoding.hex($0) }
    }

    /// Groups by exact name bytes (not Swift's canonical equivalence), names sorted by UTF-8 bytes.
    static func group(_ parameters: FormParameters) -> [(name: String, values: [String])] {
        let all = parameters.parameters
        var grouped: [(name: String, values: [String])] = []
        grouped.reserveCapacity(all.count)
        for index in parameters.nameOrder {
            let parameter = all[index]
            if let last = grouped.last, UTF8Order.equal(last.name, parameter.name) {
                grouped[grouped.count - 1].values.append(parameter.value)
            } else {
                grouped.append((parameter.name, [parameter.value]))
            }
        }
        return grouped
    }
}
