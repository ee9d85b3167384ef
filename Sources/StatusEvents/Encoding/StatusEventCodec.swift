/// The event's wire form: compact UTF-8 JSON with a fixed key order (the order of
/// `config/schema/status-event.v1.json`), `params` keys sorted by UTF-8 bytes, absent optionals as
/// `null`, except the Twilio-side times added within v1 (`twilioDateSent`, `twilioDateUpdated`,
/// `twilioTimestamp`):
/// those are written only when present, so events of the other sources keep their exact bytes.
/// Encoding is deterministic: the same event always gives the same bytes.
public enum StatusEventCodec {
    public static func encode(_ event: StatusEvent) -> [UInt8] {
        // A typical event (~900 B) is written on the stack and copied once into the result.
        JSONWriter.withStackBuffer(capacity: 2048) { writer in
            write(event, to: &writer)
            return writer.bytes
        }
    }

    private static func write(_ event: StatusEvent, to w: inout JSONWriter) {
        w.raw("{\"schemaVersion\":")
        w.integer(event.schemaVersion)
        w.raw(",\"id\":")
        w.string(event.id)
        w.raw(",\"messageSid\":")
        w.string(event.messageSid)
        w.raw(",\"accountSid\":")
        w.string(event.accountSid)
        w.raw(",\"messagingServiceSid\":")
        w.optionalString(event.messagingServiceSid)
        w.raw(",\"status\":")
        w.string(event.status)
        w.raw(",\"statusRank\":")
        if let rank = event.statusRank { w.integer(rank) } else { w.raw("null") }
        w.raw(",\"errorCode\":")
        switch event.errorCode {
        case .numeric(let code)?: w.integer(code)
        case .text(let text)?: w.string(text)
        case nil: w.raw("null")
        }
        w.raw(",\"eventType\":")
        w.optionalString(event.eventType)
        w.raw(",\"channel\":")
        w.optionalString(event.channel)
        w.raw(",\"from\":")
        w.optionalString(event.from)
        w.raw(",\"to\":")
        w.optionalString(event.to)
        w.raw(",\"rawDlrDoneDate\":")
        w.optionalString(event.rawDlrDoneDate)
        w.raw(",\"dlrDoneAt\":")
        w.optionalString(event.dlrDoneAt)
        w.raw(",\"receivedAt\":")
        w.integer(event.receivedAt)
        if let sent = event.twilioDateSent {
            w.raw(",\"twilioDateSent\":")
            w.integer(sent)
        }
        if let updated = event.twilioDateUpdated {
            w.raw(",\"twilioDateUpdated\":")
            w.integer(updated)
        }
        if let timestamp = event.twilioTimestamp {
            w.raw(",\"twilioTimestamp\":")
            w.integer(timestamp)
        }
        // The raw values need no escaping: literals.
        switch event.source {
        case .statusCallback: w.raw(",\"source\":\"status-callback\"")
        case .eventStreams: w.raw(",\"source\":\"event-streams\"")
        case .reconciliation: w.raw(",\"source\":\"reconciliation\"")
        }
        w.raw(",\"ingress\":{\"nodeId\":")
        w.optionalString(event.ingress.nodeId)
        w.raw(",\"idempotencyToken\":")
        w.optionalString(event.ingress.idempotencyToken)
        w.raw(",\"homeRegion\":")
        w.optionalString(event.ingress.homeRegion)
        w.raw("},\"params\":{")
        UTF8Order.forEachSortedByKey(event.params) { offset, name, value in
            if offset > 0 { w.byte(UInt8(ascii: ",")) }
            w.string(name)
            w.byte(UInt8(ascii: ":"))
            switch value {
            case .single(let value): w.string(value)
            case .multiple(let values):
                w.byte(UInt8(ascii: "["))
                for (index, value) in values.enumerated() {
                    if index > 0 { w.byte(UInt8(ascii: ",")) }
                    w.string(value)
                }
                w.byte(UInt8(ascii: "]"))
            }
        }
        w.raw("},\"notes\":[")
        for (offset, note) in event.notes.enumerated() {
            if offset > 0 { w.byte(UInt8(ascii: ",")) }
            w.string(note)
        }
        w.raw("]}")
    }

    /// Decodes an encoded event. Unknown keys are ignored (forward compatibility within v1);
    /// missing optional keys read as nil.
    ///
    /// - Throws: `WebhookError.malformedBody` with detail `invalid_json`, `invalid_event` or
    ///   `unsupported_schema_version`.
    public static func decode(_ bytes: [UInt8]) throws(WebhookError) -> StatusEvent {
        var decoder = StatusEventDecoder(bytes: bytes)
        return try decoder.decode()
    }

    /// Checks an encoded event exactly as `decode` does, with the same errors for the same input,
    /// but builds only its `StatusEventSummary`: a consumer that passes the record's bytes on needs
    /// no more, and skips making a dozen strings and the `params` dictionary per event.
    ///
    /// - Throws: what `decode` throws for `bytes`.
    public static func decodeSummary(_ bytes: [UInt8]) throws(WebhookError) -> StatusEventSummary {
        var decoder = StatusEventDecoder(bytes: bytes, summaryOnly: true)
        return try decoder.decodeSummary()
    }
}
