import Crypto

/// The deterministic event id.
///
/// `id = lowercase hex SHA-256 of the canonical JSON text`
/// `["statusrelay-event-id/1", <source>, [[<name>, [<value>, ...]], ...]]`
/// over exactly what the signature covers (`FormParameters.forEachCanonical`): names sorted by
/// UTF-8 bytes, each name's values sorted by UTF-8 bytes with exact duplicates dropped, written
/// compactly by the event encoder's JSON writer. Anything that verifies the same (a repeated
/// `To=…` appended to a signed body, repeated values reordered) therefore gets the same id.
/// (Before this rule a repeated name's values were taken in received order, duplicates kept; ids
/// of callbacks without a repeated name are the same under both.)
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
        JSONWriter.withStackBuffer(capacity: 1024) { writer in
            writer.raw(header(source))
            var first = true
            parameters.forEachCanonical { name, values in
                if !first { writer.byte(UInt8(ascii: ",")) }
                first = false
                writer.byte(UInt8(ascii: "["))
                writer.string(name)
                writer.raw(",[")
                switch values {
                case .single(let value):
                    writer.string(value)
                case .multiple(let values):
                    for (index, value) in values.enumerated() {
                        if index > 0 { writer.byte(UInt8(ascii: ",")) }
                        writer.string(value)
                    }
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
