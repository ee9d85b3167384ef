/// Turns a verified status callback's parameters into a `StatusEvent` (schema v1).
///
/// Strict only where downstream needs it: `MessageSid` (`^(SM|MM)[0-9a-fA-F]{32}$`), `MessageStatus`
/// (or legacy `SmsStatus`) and `AccountSid` (`^AC[0-9a-fA-F]{32}$`). Everything else is lenient:
/// unknown statuses are carried lower-cased with rank nil, unknown parameters ride in `params`,
/// a non-numeric `ErrorCode` or an invalid `RawDlrDoneDate` becomes a note.
public struct StatusCallbackNormalizer: Sendable {
    /// The ingress node id written to `ingress.nodeId`.
    public var nodeId: String?

    public init(nodeId: String? = nil) {
        self.nodeId = nodeId
    }

    /// - Parameters:
    ///   - idempotencyToken: the `I-Twilio-Idempotency-Token` header.
    ///   - homeRegion: the `X-Home-Region` header.
    ///   - receivedAt: the ingress clock, milliseconds since the Unix epoch.
    /// - Throws: `missingField` / `invalidField` naming `MessageSid`, `MessageStatus` or `AccountSid`.
    public func normalize(
        _ parameters: FormParameters,
        idempotencyToken: String? = nil,
        homeRegion: String? = nil,
        receivedAt: Int64
    ) throws(WebhookError) -> StatusEvent {
        let all = parameters.parameters
        let known = KnownParameters(all)
        func value(_ index: Int?) -> String? { index.map { all[$0].value } }
        guard let messageSid = value(known.messageSid) else { throw .missing("MessageSid") }
        guard Self.isMessageSid(messageSid) else {
            throw .invalid("MessageSid", "MessageSid must match ^(SM|MM)[0-9a-fA-F]{32}$")
        }
        let statusField = known.messageStatus != nil ? "MessageStatus" : "SmsStatus"
        guard let rawStatus = value(known.messageStatus ?? known.smsStatus) else { throw .missing("MessageStatus") }
        guard !rawStatus.isEmpty else { throw .invalid(statusField, "\(statusField) is empty") }
        guard let accountSid = value(known.accountSid) else { throw .missing("AccountSid") }
        guard Self.isAccountSid(accountSid) else {
            throw .invalid("AccountSid", "AccountSid must match ^AC[0-9a-fA-F]{32}$")
        }

        var fields = EventFields(messageSid: messageSid, accountSid: accountSid, status: rawStatus)
        fields.messagingServiceSid = value(known.messagingServiceSid).nonEmpty
        fields.errorCode = value(known.errorCode)
        fields.eventType = value(known.eventType).nonEmpty
        fields.channelPrefix = value(known.channelPrefix)
        fields.from = value(known.from)
        fields.to = value(known.to)
        fields.rawDlrDoneDate = value(known.rawDlrDoneDate)
        return fields.makeEvent(
            id: EventID.compute(source: .statusCallback, parameters: parameters),
            source: .statusCallback,
            parameters: parameters,
            receivedAt: receivedAt,
            ingress: StatusEvent.IngressInfo(nodeId: nodeId, idempotencyToken: idempotencyToken, homeRegion: homeRegion)
        )
    }

    /// `^(SM|MM)[0-9a-fA-F]{32}$`
    public static func isMessageSid(_ text: String) -> Bool {
        hasPrefixAndHex(text, "SM") || hasPrefixAndHex(text, "MM")
    }

    /// `^AC[0-9a-fA-F]{32}$`
    public static func isAccountSid(_ text: String) -> Bool {
        hasPrefixAndHex(text, "AC")
    }

    static func hasPrefixAndHex(_ text: String, _ prefix: StaticString) -> Bool {
        guard text.utf8.count == 34 else { return false }
        let first = prefix.utf8Start[0]
        let second = prefix.utf8Start[1]
        return text.withUTF8Bytes { bytes -> Bool in
            guard bytes[0] == first, bytes[1] == second else { return false }
            for index in 2..<34 where FormDecoder.hexValue(bytes[index]) == nil { return false }
            return true
        }
    }
}

/// Where the first value of each parameter the normalizer reads sits in the parameter list, found
/// in one pass. Positions rather than strings, so the scan retains nothing; switching on the
/// name's length first keeps this to one or two string comparisons per parameter.
struct KnownParameters {
    var messageSid: Int?
    var messageStatus: Int?
    var smsStatus: Int?
    var accountSid: Int?
    var messagingServiceSid: Int?
    var errorCode: Int?
    var eventType: Int?
    var channelPrefix: Int?
    var from: Int?
    var to: Int?
    var rawDlrDoneDate: Int?

    init(_ parameters: [FormParameters.Parameter]) {
        for index in parameters.indices {
            let name = parameters[index].name
            switch name.utf8.count {
            case 2:
                if to == nil, name == "To" { to = index }
            case 4:
                if from == nil, name == "From" { from = index }
            case 9:
                if smsStatus == nil, name == "SmsStatus" {
                    smsStatus = index
                } else if errorCode == nil, name == "ErrorCode" {
                    errorCode = index
                } else if eventType == nil, name == "EventType" {
                    eventType = index
                }
            case 10:
                if messageSid == nil, name == "MessageSid" {
                    messageSid = index
                } else if accountSid == nil, name == "AccountSid" {
                    accountSid = index
                }
            case 13:
                if messageStatus == nil, name == "MessageStatus" {
                    messageStatus = index
                } else if channelPrefix == nil, name == "ChannelPrefix" {
                    channelPrefix = index
                }
            case 14:
                if rawDlrDoneDate == nil, name == "RawDlrDoneDate" { rawDlrDoneDate = index }
            case 19:
                if messagingServiceSid == nil, name == "MessagingServiceSid" { messagingServiceSid = index }
            default:
                break
            }
        }
    }
}

extension Optional where Wrapped == String {
    var nonEmpty: String? {
        guard let self, !self.isEmpty else { return nil }
        return self
    }
}
