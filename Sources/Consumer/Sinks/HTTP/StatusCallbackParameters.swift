import StatusEvents

/// The parameters the HTTP forward sink sends: what a Twilio status-callback handler reads
/// (`req.body.MessageSid`, `req.body.MessageStatus`, …), whatever source the event came from.
///
/// - `status-callback`: the callback's own parameters, exactly as Twilio signed them.
/// - `event-streams` and `reconciliation`: built from the normalized event under Twilio's callback
///   names. Event Streams' camelCase members, the CloudEvent attributes and the REST resource's
///   other members are not sent (the event id rides in `X-StatusRelay-Event-Id`).
///
/// | callback parameter | from |
/// |---|---|
/// | `MessageSid`, `SmsSid` | `messageSid` |
/// | `MessageStatus`, `SmsStatus` | `status` (lower-case, as callbacks send it) |
/// | `AccountSid` | `accountSid` |
/// | `From`, `To`, `MessagingServiceSid`, `EventType` | the event's field, when present |
/// | `ErrorCode` | `errorCode`, when present |
/// | `ApiVersion` | the resource's `api_version`, else `2010-04-01` |
/// | `RawDlrDoneDate` | `rawDlrDoneDate` when it has the callback form `YYMMDDhhmm`; Event Streams' zoned ISO-8601 form is not sent (a handler parsing `YYMMDDhhmm` would misread it) |
/// | `ChannelPrefix`, `ChannelToAddress`, `ChannelInstallSid`, `ChannelStatusMessage` | Event Streams' `channelPrefix`, … members, when present |
enum StatusCallbackParameters {
    /// The API version status callbacks carry.
    static let apiVersion = "2010-04-01"

    /// Event Streams members sent under a callback name: only channel details that the event's
    /// own fields do not hold.
    static let eventStreamsRenames: [(member: String, parameter: String)] = [
        ("channelPrefix", "ChannelPrefix"), ("channelToAddress", "ChannelToAddress"),
        ("channelInstallSid", "ChannelInstallSid"), ("channelStatusMessage", "ChannelStatusMessage"),
    ]

    /// The form pairs, names sorted (repeated names keep their `params` order).
    static func pairs(for event: StatusEvent) -> [(String, String)] {
        guard event.source != .statusCallback else { return FormEncoding.pairs(event.params) }
        var parameters: [String: String] = [
            "MessageSid": event.messageSid, "SmsSid": event.messageSid,
            "MessageStatus": event.status, "SmsStatus": event.status,
            "AccountSid": event.accountSid,
        ]
        parameters["From"] = event.from
        parameters["To"] = event.to
        parameters["MessagingServiceSid"] = event.messagingServiceSid
        parameters["EventType"] = event.eventType
        switch event.errorCode {
        case .numeric(let code)?: parameters["ErrorCode"] = String(code)
        case .text(let text)?: parameters["ErrorCode"] = text
        case nil: break
        }
        if let raw = event.rawDlrDoneDate, case .carrierLocal? = DlrDoneDate.read(raw) {
            parameters["RawDlrDoneDate"] = raw
        }
        switch event.source {
        case .reconciliation:
            parameters["ApiVersion"] = event.params["api_version"]?.values.first ?? apiVersion
        default:
            parameters["ApiVersion"] = apiVersion
            for (member, parameter) in eventStreamsRenames {
                if let value = event.params[member]?.values.first { parameters[parameter] = value }
            }
        }
        return parameters.keys.sorted().map { ($0, parameters[$0]!) }
    }
}
