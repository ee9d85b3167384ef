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
        guard let messageSid = parameters.first("MessageSid") else { throw .missing("MessageSid") }
        guard Self.isMessageSid(messageSid) else {
            throw .invalid("MessageSid", "MessageSid must match ^(SM|MM)[0-9a-fA-F]{32}$")
        }
        let statusField = parameters.first("MessageStatus") != nil ? "MessageStatus" : "SmsStatus"
        guard let rawStatus = parameters.first(statusField) else { throw .missing("MessageStatus") }
        guard !rawStatus.isEmpty else { throw .invalid(statusField, "\(statusField) is empty") }
        guard let accountSid = parameters.first("AccountSid") else { throw .missing("AccountSid") }
        guard Self.isAccountSid(accountSid) else {
            throw .invalid("AccountSid", "AccountSid must match ^AC[0-9a-fA-F]{32}$")
        }

        var fields = EventFields(messageSid: messageSid, accountSid: accountSid, status: rawStatus)
        fields.messagingServiceSid = parameters.first("MessagingServiceSid").nonEmpty
        fields.errorCode = parameters.first("ErrorCode")
        fields.eventType = parameters.first("EventType").nonEmpty
        fields.channelPrefix = parameters.first("ChannelPrefix")
        fields.from = parameters.first("From")
        fields.to = parameters.first("To")
        fields.rawDlrDoneDate = parameters.first("RawDlrDoneDate")
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

extension Optional where Wrapped == String {
    var nonEmpty: String? {
        guard let self, !self.isEmpty else { return nil }
        return self
    }
}
