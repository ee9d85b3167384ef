import StatusEvents

/// The former tree-based `StatusEventCodec.decode` (JSONValue.parse, then member lookups), kept
/// verbatim as the reference the direct decoder must agree with: same events, same errors.
enum ReferenceEventDecoder {
    static func decode(_ bytes: [UInt8]) throws(WebhookError) -> StatusEvent {
        let root = try JSONValue.parse(bytes)
        guard case .object = root else { throw invalid("the event is not a JSON object") }
        guard case .number(let versionText)? = root["schemaVersion"], let version = Int(versionText) else {
            throw invalid("schemaVersion is missing or not an integer")
        }
        guard version == StatusEvent.currentSchemaVersion else {
            throw WebhookError(
                code: .malformedBody, detail: "unsupported_schema_version",
                message: "schemaVersion \(version) is not supported by this build"
            )
        }
        func string(_ key: String) throws(WebhookError) -> String {
            guard let value = root[key]?.stringValue else { throw invalid("\(key) is missing or not a string") }
            return value
        }
        // Added with MessageSidRule (issue 16): a bounded sid, after the type check.
        func sid(_ value: String) throws(WebhookError) -> String {
            guard MessageSidRule.accepts(value) else { throw invalid("messageSid must be 1 to 64 ASCII letters, digits, '_' or '-'") }
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
        let event = StatusEvent(
            schemaVersion: version,
            id: try string("id"),
            messageSid: try sid(string("messageSid")),
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
            twilioDateSent: try integer(root["twilioDateSent"], "twilioDateSent"),
            twilioDateUpdated: try integer(root["twilioDateUpdated"], "twilioDateUpdated"),
            twilioTimestamp: try integer(root["twilioTimestamp"], "twilioTimestamp"),
            source: source,
            ingress: ingress,
            params: params,
            notes: notes
        )
        if let problem = MessageLifecycle.rankProblem(status: event.status, statusRank: event.statusRank.map(Int64.init)) {
            throw invalid(problem)
        }
        return event
    }

    private static func invalid(_ message: String) -> WebhookError {
        WebhookError(code: .malformedBody, detail: "invalid_event", message: "not a v1 status event: \(message)")
    }
}
