import StatusEvents
import StatusRelayCore

/// A signed request that could not (wholly) become events, as ONE record for the dead-letter
/// topic: the rejected input as the value, why in `statusrelay_*` headers. One record per request
/// whatever it holds, so a batch of 10,000 bad elements costs one publish, not 10,000.
struct DeadLetterRecord {
    /// Where and when the request arrived.
    struct Origin {
        var topic: String
        var route: Route
        var requestID: String
        var nodeID: String
        var receivedAt: Int64
    }

    /// A form callback that failed normalization: the raw body.
    static func form(raw: [UInt8], contentType: String?, key: String?, error: WebhookError, origin: Origin) -> SpoolRecord {
        var headers = headers(for: error, origin: origin)
        if let contentType { headers.append(.init(key: "content-type", value: Array(contentType.utf8))) }
        return SpoolRecord(topic: origin.topic, key: key.map { Array($0.utf8) }, value: raw, headers: headers, timestampMs: origin.receivedAt)
    }

    /// The rejected elements of an Event Streams batch (some or all of it): a JSON array of them in
    /// batch order. The reason headers are the first rejection's; `statusrelay_rejections` lists
    /// each element's batch index, reason and field.
    static func batch(_ rejections: [EventStreamsNormalizer.Rejection], origin: Origin) -> SpoolRecord? {
        guard let first = rejections.first else { return nil }
        var value = Array("[".utf8)
        var list = "["
        for (offset, rejection) in rejections.enumerated() {
            if offset > 0 {
                value.append(UInt8(ascii: ","))
                list += ","
            }
            value.append(contentsOf: rejection.element.utf8)
            list += "{\"index\":\(rejection.index),\"reason\":"
            JSONString.append(rejection.error.reason, to: &list)
            if let field = rejection.error.field {
                list += ",\"field\":"
                JSONString.append(field, to: &list)
            }
            list += "}"
        }
        value.append(UInt8(ascii: "]"))
        list += "]"
        var headers = headers(for: first.error, origin: origin)
        headers.append(.init(key: "statusrelay_rejected_count", value: Array(String(rejections.count).utf8)))
        headers.append(.init(key: "statusrelay_rejections", value: Array(list.utf8)))
        headers.append(.init(key: "content-type", value: Array("application/json".utf8)))
        // A key only from a plausible sid: the value is the sender's and may be anything.
        let key = rejections.lazy.compactMap(\.messageSid).first { StatusCallbackNormalizer.isMessageSid($0) }
        return SpoolRecord(topic: origin.topic, key: key.map { Array($0.utf8) }, value: value, headers: headers, timestampMs: origin.receivedAt)
    }

    private static func headers(for error: WebhookError, origin: Origin) -> [SpoolRecord.Header] {
        var headers: [SpoolRecord.Header] = [
            .init(key: "statusrelay_reason", value: Array(error.reason.utf8)),
            .init(key: "statusrelay_route", value: Array(origin.route.rawValue.utf8)),
            .init(key: "statusrelay_request_id", value: Array(origin.requestID.utf8)),
            .init(key: "statusrelay_node_id", value: Array(origin.nodeID.utf8)),
            .init(key: "statusrelay_received_at", value: Array(String(origin.receivedAt).utf8)),
            .init(key: "statusrelay_message", value: Array(error.message.utf8)),
        ]
        if let field = error.field { headers.append(.init(key: "statusrelay_field", value: Array(field.utf8))) }
        if let detail = error.detail { headers.append(.init(key: "statusrelay_detail", value: Array(detail.utf8))) }
        return headers
    }
}
