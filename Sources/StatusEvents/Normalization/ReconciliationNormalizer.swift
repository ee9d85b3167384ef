/// Normalizes a Message resource read from Twilio's REST API (`GET …/Messages/{Sid}.json`, or one
/// element of a list page) into a `StatusEvent` with source `reconciliation`.
///
/// - required: `sid` (SM/MM sid), `account_sid` (AC sid), a non-empty `status`;
/// - `status`, `error_code`, `from`, `to`, `messaging_service_sid` fill the event's fields;
///   `direction` and every other member Twilio returned stay in `params` (strings verbatim,
///   numbers and booleans as their JSON text, objects as compact JSON, null members omitted);
/// - `date_sent` and `date_updated` (RFC 2822) become `twilioDateSent`/`twilioDateUpdated`, the
///   Twilio-side times; an unreadable one is left nil with a note;
/// - the id is `EventID` over only `sid`, `status` and `date_updated` (as milliseconds, or verbatim
///   when unreadable): asking Twilio again about a message that did not change gives the same id,
///   so the consumer drops the second copy, while a price filled in later does not make a new event.
public struct ReconciliationNormalizer: Sendable {
    public init() {}

    /// - Parameter receivedAt: when StatusRelay read the resource, ms since the Unix epoch.
    /// - Throws: `missing_field` / `invalid_field` for a resource without a usable sid, account sid
    ///   or status, `invalid_field` (`message`) for a value that is not an object.
    public func normalize(message: JSONValue, receivedAt: Int64) throws(WebhookError) -> StatusEvent {
        guard case .object(let members) = message else {
            throw .invalid("message", "a Message resource must be a JSON object")
        }
        guard let sidValue = message["sid"] else { throw .missing("sid") }
        guard let messageSid = sidValue.stringValue, StatusCallbackNormalizer.isMessageSid(messageSid) else {
            throw .invalid("sid", "sid must match ^(SM|MM)[0-9a-fA-F]{32}$")
        }
        guard let accountValue = message["account_sid"] else { throw .missing("account_sid") }
        guard let accountSid = accountValue.stringValue, StatusCallbackNormalizer.isAccountSid(accountSid) else {
            throw .invalid("account_sid", "account_sid must match ^AC[0-9a-fA-F]{32}$")
        }
        guard let status = message["status"]?.stringValue, !status.isEmpty else {
            throw .invalid("status", "status must be a non-empty string")
        }

        var parameters = FormParameters()
        for member in members {
            guard let text = EventStreamsNormalizer.parameterText(member.value) else { continue }
            parameters.append(name: member.key, value: text)
        }

        var notes: [String] = []
        let dateSent = Self.time(message["date_sent"], field: "date_sent", notes: &notes)
        let dateUpdated = Self.time(message["date_updated"], field: "date_updated", notes: &notes)

        var fields = EventFields(messageSid: messageSid, accountSid: accountSid, status: status)
        fields.messagingServiceSid = message["messaging_service_sid"]?.stringValue.nonEmpty
        fields.setErrorCode(message["error_code"])
        fields.from = message["from"]?.stringValue
        fields.to = message["to"]?.stringValue

        let updatedText = dateUpdated.map { String($0) } ?? message["date_updated"]?.stringValue ?? ""
        let identity = FormParameters([
            ("date_updated", updatedText), ("sid", messageSid), ("status", EventFields.lowercased(status)),
        ])
        var event = fields.makeEvent(
            id: EventID.compute(source: .reconciliation, parameters: identity),
            source: .reconciliation,
            parameters: parameters,
            receivedAt: receivedAt,
            ingress: StatusEvent.IngressInfo(),
            extraNotes: notes
        )
        event.twilioDateSent = dateSent
        event.twilioDateUpdated = dateUpdated
        return event
    }

    private static func time(_ value: JSONValue?, field: String, notes: inout [String]) -> Int64? {
        guard let text = value?.stringValue, !text.isEmpty else { return nil }
        guard let milliseconds = RFC2822Date.milliseconds(text) else {
            notes.append("\(field) is not an RFC 2822 date; kept in params only")
            return nil
        }
        return milliseconds
    }
}
