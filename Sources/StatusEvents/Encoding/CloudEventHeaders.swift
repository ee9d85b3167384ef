/// CloudEvents 1.0 Kafka protocol binding, binary content mode: the event JSON is the record value
/// and the attributes travel as headers.
///
/// | header           | value                                                              |
/// |------------------|--------------------------------------------------------------------|
/// | `ce_specversion` | `1.0`                                                              |
/// | `ce_id`          | `event.id` (deterministic content hash, see `EventID`)             |
/// | `ce_source`      | `/statusrelay/<event.source>` (`/statusrelay/status-callback`)     |
/// | `ce_type`        | `io.statusrelay.message.status.v1` (one type; status is in the data)|
/// | `ce_time`        | `receivedAt` as RFC 3339 UTC with milliseconds                     |
/// | `ce_subject`     | the MessageSid (also the record key)                               |
/// | `ce_dataschema`  | `urn:statusrelay:schema:status-event:v1`                           |
/// | `content-type`   | `application/json`                                                 |
///
/// `ce_source` deliberately does not include the node id: CloudEvents consumers deduplicate on
/// (source, id), and a duplicate delivery that lands on another ingress node must stay a duplicate.
public enum CloudEventHeaders {
    public static let specVersion = "1.0"
    public static let type = "io.statusrelay.message.status.v1"
    public static let dataSchema = "urn:statusrelay:schema:status-event:v1"
    public static let contentType = "application/json"

    public static func source(for source: StatusEvent.Source) -> String {
        "/statusrelay/" + source.rawValue
    }

    public static func headers(for event: StatusEvent) -> [(key: String, value: String)] {
        headers(id: event.id, source: event.source, receivedAt: event.receivedAt, messageSid: event.messageSid)
    }

    public static func headers(for event: StatusEventSummary) -> [(key: String, value: String)] {
        headers(id: event.id, source: event.source, receivedAt: event.receivedAt, messageSid: event.messageSid)
    }

    /// The ingress calls this per callback: no intermediate summary.
    private static func headers(
        id: String, source eventSource: StatusEvent.Source, receivedAt: Int64, messageSid: String
    ) -> [(key: String, value: String)] {
        [
            ("ce_specversion", specVersion),
            ("ce_id", id),
            ("ce_source", source(for: eventSource)),
            ("ce_type", type),
            ("ce_time", UTCTime.rfc3339(milliseconds: receivedAt)),
            ("ce_subject", messageSid),
            ("ce_dataschema", dataSchema),
            ("content-type", contentType),
        ]
    }
}
