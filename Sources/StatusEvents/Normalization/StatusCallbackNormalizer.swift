/// Turns a verified status callback's parameters into a `StatusEvent` (schema v1).
///
/// Strict only where downstream needs it: `MessageSid` (`^(SM|MM)[0-9a-fA-F]{32}$`), `MessageStatus`
/// (or legacy `SmsStatus`) and `AccountSid` (`^AC[0-9a-fA-F]{32}$`). Everything else is lenient:
/// unknown statuses are carried lower-cased with rank nil, unknown parameters ride in `params`,
/// a non-numeric `ErrorCode` or an invalid `RawDlrDoneDate` becomes a note. A field it reads that
/// is repeated with different values is refused: the signature does not fix which one comes first.
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
    /// - Throws: `missingField` / `invalidField` naming `MessageSid`, `MessageStatus` or `AccountSid`;
    ///   `invalidField` naming a field the normalizer reads that is repeated with different values.
    public func normalize(
        _ parameters: FormParameters,
        idempotencyToken: String? = nil,
        homeRegion: String? = nil,
        receivedAt: Int64
    ) throws(WebhookError) -> StatusEvent {
        let all = parameters.parameters
        let known = KnownParameters(all)
        if let conflict = known.conflict {
            let name = all[conflict.first].name
            func quoted(_ index: Int) -> String { "'\(all[index].value.prefix(64))'" }
            throw .invalid(
                name,
                "\(name) is repeated with different values (\(quoted(conflict.first)) and \(quoted(conflict.other))); "
                    + "the signature covers the set of values, not which one comes first, so the field is ambiguous"
            )
        }
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
///
/// The signature covers each name's distinct values, not their order or count, so a field the
/// normalizer reads must not have two different values: `conflict` holds the first such pair.
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
    /// Positions of a field's first value and of a later, different value.
    var conflict: (first: Int, other: Int)?

    init(_ parameters: [FormParameters.Parameter]) {
        var conflict: (first: Int, other: Int)?
        func record(_ slot: inout Int?, _ index: Int) {
            guard let first = slot else {
                slot = index
                return
            }
            if conflict == nil, !UTF8Order.equal(parameters[first].value, parameters[index].value) { conflict = (first, index) }
        }
        for index in parameters.indices {
            let name = parameters[index].name
            switch name.utf8.count {
            case 2:
                if name == "To" { record(&to, index) }
            case 4:
                if name == "From" { record(&from, index) }
            case 9:
                if name == "SmsStatus" {
                    record(&smsStatus, index)
                } else if name == "ErrorCode" {
                    record(&errorCode, index)
                } else if name == "EventType" {
                    record(&eventType, index)
                }
            case 10:
                if name == "MessageSid" {
                    record(&messageSid, index)
                } else if name == "AccountSid" {
                    record(&accountSid, index)
                }
            case 13:
                if name == "MessageStatus" {
                    record(&messageStatus, index)
                } else if name == "ChannelPrefix" {
                    record(&channelPrefix, index)
                }
            case 14:
                if name == "RawDlrDoneDate" { record(&rawDlrDoneDate, index) }
            case 19:
                if name == "MessagingServiceSid" { record(&messagingServiceSid, index) }
            default:
                break
            }
        }
        self.conflict = conflict
    }
}

extension Optional where Wrapped == String {
    var nonEmpty: String? {
        guard let self, !self.isEmpty else { return nil }
        return self
    }
}
