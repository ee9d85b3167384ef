/// The event's wire form: compact UTF-8 JSON with a fixed key order (the order of
/// `config/schema/status-event.v1.json`), `params` keys sorted by UTF-8 bytes, absent optionals as
/// `null`. Encoding is deterministic: the same event always gives the same bytes.
public enum StatusEventCodec {
    public static func encode(_ event: StatusEvent) -> [UInt8] {
        var w = JSONWriter(capacity: 1024 + event.params.count * 48)
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
        w.raw(",\"source\":")
        w.string(event.source.rawValue)
        w.raw(",\"ingress\":{\"nodeId\":")
        w.optionalString(event.ingress.nodeId)
        w.raw(",\"idempotencyToken\":")
        w.optionalString(event.ingress.idempotencyToken)
        w.raw(",\"homeRegion\":")
        w.optionalString(event.ingress.homeRegion)
        w.raw("},\"params\":{")
        let params = Array(event.params)
        for (offset, index) in UTF8Order.order(params.count, key: { params[$0].key }).enumerated() {
            let (name, value) = params[index]
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
        return w.bytes
    }

    /// Decodes an encoded event. Unknown keys are ignored (forward compatibility within v1);
    /// missing optional keys read as nil.
    ///
    /// - Throws: `WebhookError.malformedBody` with detail `invalid_json`, `invalid_event` or
    ///   `unsupported_schema_version`.
    public static func decode(_ bytes: [UInt8]) throws(WebhookError) -> StatusEvent {
        let root = try JSONValue.parse(bytes)
        guard case .object = root else { throw invalid("the event is not a JSON object") }
        guard case .number(let versionText)? = root["schemaVersion"], let version = Int(versionText) else {
            throw invalid("schemaVersion is missing or not an integer")
        }
        guard version == StatusEvent.currentSchemaVersion else {
            throw .malformed("unsupported_schema_version", "schemaVersion \(version) is not supported by this build")
        }
        func string(_ key: String) throws(WebhookError) -> String {
            guard let value = root[key]?.stringValue else { throw invalid("\(key) is missing or not a string") }
            return value
        }
        func optionalString(_ value: JSONValue?, _ key: String) throws(WebhookError) -> String? {
            switch value {
            case nil, .null?: return nil
            case .string(let text)?: return text
            default: throw invalid("\(key) is not a string or null")
            }
        }
        func integer(_ value: JSONValue?, _ key: String) throws(WebhookError) -> Int64? {
            switch value {
            case nil, .null?: return nil
            case .number(let text)?:
                guard let number = Int64(text) else { throw invalid("\(key) is not an integer") }
                return number
            default: throw invalid("\(key) is not an integer or null")
            }
        }
        guard let source = StatusEvent.Source(rawValue: try string("source")) else { throw invalid("unknown source") }
        guard let receivedAt = try integer(root["receivedAt"], "receivedAt") else { throw invalid("receivedAt is missing") }
        let errorCode: StatusEvent.ErrorCode?
        switch root["errorCode"] {
        case nil, .null?: errorCode = nil
        case .number(let text)?:
            guard let code = Int(text) else { throw invalid("errorCode is not an integer") }
            errorCode = .numeric(code)
        case .string(let text)?: errorCode = .text(text)
        default: throw invalid("errorCode is not a number, string or null")
        }
        var ingress = StatusEvent.IngressInfo()
        if let info = root["ingress"], info != .null {
            guard case .object = info else { throw invalid("ingress is not an object") }
            ingress.nodeId = try optionalString(info["nodeId"], "ingress.nodeId")
            ingress.idempotencyToken = try optionalString(info["idempotencyToken"], "ingress.idempotencyToken")
            ingress.homeRegion = try optionalString(info["homeRegion"], "ingress.homeRegion")
        }
        var params: [String: StatusEvent.ParamValue] = [:]
        if let value = root["params"], value != .null {
            guard case .object(let members) = value else { throw invalid("params is not an object") }
            for member in members {
                switch member.value {
                case .string(let text): params[member.key] = .single(text)
                case .array(let elements):
                    var values: [String] = []
                    for element in elements {
                        guard let text = element.stringValue else { throw invalid("params.\(member.key) has a non-string value") }
                        values.append(text)
                    }
                    params[member.key] = .multiple(values)
                default: throw invalid("params.\(member.key) is not a string or an array of strings")
                }
            }
        }
        var notes: [String] = []
        if let value = root["notes"], value != .null {
            guard case .array(let elements) = value else { throw invalid("notes is not an array") }
            for element in elements {
                guard let text = element.stringValue else { throw invalid("notes has a non-string element") }
                notes.append(text)
            }
        }
        return StatusEvent(
            schemaVersion: version,
            id: try string("id"),
            messageSid: try string("messageSid"),
            accountSid: try string("accountSid"),
            messagingServiceSid: try optionalString(root["messagingServiceSid"], "messagingServiceSid"),
            status: try string("status"),
            statusRank: try integer(root["statusRank"], "statusRank").map { Int($0) },
            errorCode: errorCode,
            eventType: try optionalString(root["eventType"], "eventType"),
            channel: try optionalString(root["channel"], "channel"),
            from: try optionalString(root["from"], "from"),
            to: try optionalString(root["to"], "to"),
            rawDlrDoneDate: try optionalString(root["rawDlrDoneDate"], "rawDlrDoneDate"),
            dlrDoneAt: try optionalString(root["dlrDoneAt"], "dlrDoneAt"),
            receivedAt: receivedAt,
            source: source,
            ingress: ingress,
            params: params,
            notes: notes
        )
    }

    private static func invalid(_ message: String) -> WebhookError {
        .malformed("invalid_event", "not a v1 status event: \(message)")
    }
}
