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
        let known = KnownParameters(parameters)
        guard let messageSid = known.messageSid else { throw .missing("MessageSid") }
        guard Self.isMessageSid(messageSid) else {
            throw .invalid("MessageSid", "MessageSid must match ^(SM|MM)[0-9a-fA-F]{32}$")
        }
        let statusField = known.messageStatus != nil ? "MessageStatus" : "SmsStatus"
        guard let rawStatus = known.messageStatus ?? known.smsStatus else { throw .missing("MessageStatus") }
        guard !rawStatus.isEmpty else { throw .invalid(statusField, "\(statusField) is empty") }
        guard let accountSid = known.accountSid else { throw .missing("AccountSid") }
        guard Self.isAccountSid(accountSid) else {
            throw .invalid("AccountSid", "AccountSid must match ^AC[0-9a-fA-F]{32}$")
        }

        var fields = EventFields(messageSid: messageSid, accountSid: accountSid, status: rawStatus)
        fields.messagingServiceSid = known.messagingServiceSid.nonEmpty
        fields.errorCode = known.errorCode
        fields.eventType = known.eventType.nonEmpty
        fields.channelPrefix = known.channelPrefix
        fields.from = known.from
        fields.to = known.to
        fields.rawDlrDoneDate = known.rawDlrDoneDate
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
        let result = text.utf8.withContiguousStorageIfAvailable { bytes -> Bool in
            guard bytes[0] == first, bytes[1] == second else { return false }
            for index in 2..<34 where FormDecoder.hexValue(bytes[index]) == nil { return false }
            return true
        }
        return result ?? hasPrefixAndHex(String(decoding: Array(text.utf8), as: UTF8.self), prefix)
    }
}

/// The first value of each parameter the normalizer reads, found in one pass (switching on the
/// name's length first keeps this to one or two string comparisons per parameter).
struct KnownParameters {
    var messageSid: String?
    var messageStatus: String?
    var smsStatus: String?
    var accountSid: String?
    var messagingServiceSid: String?
    var errorCode: String?
    var eventType: String?
    var channelPrefix: String?
    var from: String?
    var to: String?
    var rawDlrDoneDate: String?

    init(_ parameters: FormParameters) {
        for parameter in parameters.parameters {
            let name = parameter.name
            let value = parameter.value
            switch name.utf8.count {
            case 2:
                if to == nil, name == "To" { to = value }
            case 4:
                if from == nil, name == "From" { from = value }
            case 9:
                if smsStatus == nil, name == "SmsStatus" {
                    smsStatus = value
                } else if errorCode == nil, name == "ErrorCode" {
                    errorCode = value
                } else if eventType == nil, name == "EventType" {
                    eventType = value
                }
            case 10:
                if messageSid == nil, name == "MessageSid" {
                    messageSid = value
                } else if accountSid == nil, name == "AccountSid" {
                    accountSid = value
                }
            case 13:
                if messageStatus == nil, name == "MessageStatus" {
                    messageStatus = value
                } else if channelPrefix == nil, name == "ChannelPrefix" {
                    channelPrefix = value
                }
            case 14:
                if rawDlrDoneDate == nil, name == "RawDlrDoneDate" { rawDlrDoneDate = value }
            case 19:
                if messagingServiceSid == nil, name == "MessagingServiceSid" { messagingServiceSid = value }
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
