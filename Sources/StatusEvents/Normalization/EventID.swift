import Crypto

/// The deterministic event id.
///
/// `id = lowercase hex SHA-256 of the canonical JSON text`
/// `["statusrelay-event-id/1", <source>, [[<name>, [<value>, ...]], ...]]`
/// where the pairs are every received parameter grouped by name, names sorted by UTF-8 bytes, each
/// name's values in received order, written compactly by the event encoder's JSON writer.
/// For Event Streams the parameters are the `data` members plus the CloudEvent attributes as
/// `ce_<attribute>` (see `EventStreamsNormalizer`). For reconciliation the parameters are only the
/// message sid, status and Twilio's `date_updated` (see `ReconciliationNormalizer`), so asking Twilio
/// again about an unchanged message gives the same id.
///
/// Not included: `receivedAt`, HTTP headers (idempotency token, home region), the ingress node and
/// the URL, so a duplicate delivery of the same content gets the same id on any node.
public enum EventID {
    public static let version = "statusrelay-event-id/1"

    public static func compute(source: StatusEvent.Source, parameters: FormParameters) -> String {
        let all = parameters.parameters
        let (order, repeated) = parameters.sortedNames
        return JSONWriter.withStackBuffer(capacity: 1024) { writer in
            writer.raw(header(source))
            var position = 0
            while position < order.count {
                // One name's run in `order`: its values in received order.
                let name = all[order[position]].name
                if position > 0 { writer.byte(UInt8(ascii: ",")) }
                writer.byte(UInt8(ascii: "["))
                writer.string(name)
                writer.raw(",[")
                writer.string(all[order[position]].value)
                position += 1
                while repeated, position < order.count, UTF8Order.equal(all[order[position]].name, name) {
                    writer.byte(UInt8(ascii: ","))
                    writer.string(all[order[position]].value)
                    position += 1
                }
                writer.raw("]]")
            }
            writer.raw("]]")
            return writer.withUnsafeBytes { SHA256.digestHex($0) }
        }
    }

    /// `[<version>,<source>,[` as written by the JSON writer: constant per source, so one literal.
    static func header(_ source: StatusEvent.Source) -> StaticString {
        switch source {
        case .statusCallback: #"["statusrelay-event-id/1","status-callback",["#
        case .eventStreams: #"["statusrelay-event-id/1","event-streams",["#
        case .reconciliation: #"["statusrelay-event-id/1","reconciliation",["#
        }
    }
}
