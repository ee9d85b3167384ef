/// Reads the event's wire form straight into `StatusEvent` fields in one pass: no `JSONValue`
/// tree, no per-member arrays, strings made once from the input bytes.
///
/// Behaves exactly like the former tree-based decoder (kept as a reference in the tests):
/// - the whole document must be valid JSON first (unknown members are validated and skipped), so a
///   syntax error anywhere wins over a field error;
/// - the first member with a given name counts (later duplicates are only validated);
/// - field errors are reported in the same order with the same messages, so they are recorded
///   while scanning and raised afterwards.
///
/// Member names are matched by bytes. For these ASCII names that equals Swift's `String` equality:
/// no other string is canonically equivalent to them (only `K`, `;` and a backtick have such
/// non-ASCII twins, and no name contains one).
struct StatusEventDecoder {
    private var scanner: JSONScanner
    /// False for a summary decode: every member is checked exactly as for a full one, but only the
    /// strings a `StatusEventSummary` holds are made; the others read as "" (present) and `params`
    /// and `notes` stay empty.
    private let materializesAll: Bool

    /// Bit per known member: set once its first occurrence was read.
    private var seen: UInt32 = 0
    /// Bit per known member: its first occurrence has the wrong JSON type.
    private var wrongType: UInt32 = 0
    /// Bit per known member: a number that is not a 64-bit integer.
    private var notInteger: UInt32 = 0

    private var version: Int?
    private var id: String?
    private var messageSid: String?
    private var accountSid: String?
    private var messagingServiceSid: String?
    private var status: String?
    private var statusRank: Int64?
    private var errorCode: StatusEvent.ErrorCode?
    private var eventType: String?
    private var channel: String?
    private var from: String?
    private var to: String?
    private var rawDlrDoneDate: String?
    private var dlrDoneAt: String?
    private var receivedAt: Int64?
    private var twilioDateSent: Int64?
    private var twilioDateUpdated: Int64?
    private var twilioTimestamp: Int64?
    private var source: String?
    private var ingress = StatusEvent.IngressInfo()
    private var params: [String: StatusEvent.ParamValue] = [:]
    /// The first bad `params` member's message.
    private var paramsProblem: String?
    private var notes: [String] = []
    private var notesHaveNonString = false

    private enum Key: UInt32 {
        case schemaVersion, id, messageSid, accountSid, messagingServiceSid, status, statusRank, errorCode, eventType
        case channel, from, to, rawDlrDoneDate, dlrDoneAt, receivedAt, source, ingress, params, notes
        case twilioDateSent, twilioDateUpdated, twilioTimestamp
        // ingress members
        case nodeId, idempotencyToken, homeRegion

        var bit: UInt32 { 1 << rawValue }
    }

    /// The strings a summary decode makes (`source` is checked against its values).
    private static let summaryStrings: UInt32 = Key.id.bit | Key.messageSid.bit | Key.status.bit | Key.source.bit

    init(bytes: [UInt8], summaryOnly: Bool = false) {
        scanner = JSONScanner(bytes: bytes)
        materializesAll = !summaryOnly
    }

    mutating func decode() throws(WebhookError) -> StatusEvent {
        try scan()
        return try assemble()
    }

    /// Checks the event as `decode` does and returns its summary.
    mutating func decodeSummary() throws(WebhookError) -> StatusEventSummary {
        try scan()
        // Through `StatusEvent`, so the summary's `statusTime` is `StatusEvent.statusTime`, the one
        // definition. The fields a summary skips are empty here, so this costs no allocation. A
        // Twilio-side time the rule uses must be read in summary mode too (integers always are).
        return StatusEventSummary(try assemble())
    }

    private mutating func scan() throws(WebhookError) {
        guard try scanner.valueStart() == UInt8(ascii: "{") else {
            try scanner.skipValue()
            try scanner.finish()
            throw Self.invalid("the event is not a JSON object")
        }
        if try scanner.beginObject() {
            repeat {
                let (name, text) = try scanner.memberName()
                let key = text.map { Self.topLevelKey($0) } ?? scanner.withRawBytes(name) { Self.topLevelKey($0) }
                if let key, seen & key.bit == 0 {
                    seen |= key.bit
                    try readTopLevel(key)
                } else {
                    try scanner.skipValue()
                }
            } while try scanner.nextMember()
        }
        try scanner.finish()
    }

    // MARK: Scanning

    private mutating func readTopLevel(_ key: Key) throws(WebhookError) {
        switch key {
        case .schemaVersion:
            guard Self.isNumberStart(try scanner.valueStart()) else {
                try scanner.skipValue()
                return
            }
            let range = try scanner.scanNumber()
            version = scanner.integer(range).flatMap { Int(exactly: $0) }
        case .id: id = try requiredString(key)
        case .messageSid: messageSid = try requiredString(key)
        case .accountSid: accountSid = try requiredString(key)
        case .status: status = try requiredString(key)
        case .source: source = try requiredString(key)
        case .messagingServiceSid: messagingServiceSid = try optionalString(key)
        case .eventType: eventType = try optionalString(key)
        case .channel: channel = try optionalString(key)
        case .from: from = try optionalString(key)
        case .to: to = try optionalString(key)
        case .rawDlrDoneDate: rawDlrDoneDate = try optionalString(key)
        case .dlrDoneAt: dlrDoneAt = try optionalString(key)
        case .statusRank: statusRank = try optionalInteger(key)
        case .receivedAt: receivedAt = try optionalInteger(key)
        case .twilioDateSent: twilioDateSent = try optionalInteger(key)
        case .twilioDateUpdated: twilioDateUpdated = try optionalInteger(key)
        case .twilioTimestamp: twilioTimestamp = try optionalInteger(key)
        case .errorCode:
            let start = try scanner.valueStart()
            if start == UInt8(ascii: "\"") {
                errorCode = .text(try string(key))
            } else if Self.isNumberStart(start) {
                let range = try scanner.scanNumber()
                if let value = scanner.integer(range).flatMap({ Int(exactly: $0) }) {
                    errorCode = .numeric(value)
                } else {
                    notInteger |= key.bit
                }
            } else if try !scanner.consumeNull() {
                wrongType |= key.bit
                try scanner.skipValue()
            }
        case .ingress: try readIngress()
        case .params: try readParams()
        case .notes: try readNotes()
        case .nodeId, .idempotencyToken, .homeRegion:
            try scanner.skipValue()  // not top-level names
        }
    }

    /// A string, or nil (recorded as missing) for any other value.
    private mutating func requiredString(_ key: Key) throws(WebhookError) -> String? {
        guard try scanner.valueStart() == UInt8(ascii: "\"") else {
            try scanner.skipValue()
            return nil
        }
        return try string(key)
    }

    /// A string or null; any other value is recorded as a type error.
    private mutating func optionalString(_ key: Key) throws(WebhookError) -> String? {
        if try scanner.valueStart() == UInt8(ascii: "\"") { return try string(key) }
        if try !scanner.consumeNull() {
            wrongType |= key.bit
            try scanner.skipValue()
        }
        return nil
    }

    private mutating func optionalInteger(_ key: Key) throws(WebhookError) -> Int64? {
        let start = try scanner.valueStart()
        if Self.isNumberStart(start) {
            let range = try scanner.scanNumber()
            guard let value = scanner.integer(range) else {
                notInteger |= key.bit
                return nil
            }
            return value
        }
        if try !scanner.consumeNull() {
            wrongType |= key.bit
            try scanner.skipValue()
        }
        return nil
    }

    /// The string value at `index` (its opening quote). A summary decode checks the strings it does
    /// not keep as thoroughly (UTF-8 included) but reads them as "".
    private mutating func string(_ key: Key? = nil) throws(WebhookError) -> String {
        let token = try scanner.scanString()
        if materializesAll || key.map({ Self.summaryStrings & $0.bit != 0 }) == true {
            return try scanner.makeString(token)
        }
        try scanner.checkString(token)
        return ""
    }

    private mutating func readIngress() throws(WebhookError) {
        guard try scanner.valueStart() == UInt8(ascii: "{") else {
            if try !scanner.consumeNull() {
                wrongType |= Key.ingress.bit
                try scanner.skipValue()
            }
            return
        }
        guard try scanner.beginObject() else { return }
        repeat {
            let (name, text) = try scanner.memberName()
            let key = text.map { Self.ingressKey($0) } ?? scanner.withRawBytes(name) { Self.ingressKey($0) }
            guard let key, seen & key.bit == 0 else {
                try scanner.skipValue()
                continue
            }
            seen |= key.bit
            let value = try optionalString(key)
            switch key {
            case .nodeId: ingress.nodeId = value
            case .idempotencyToken: ingress.idempotencyToken = value
            default: ingress.homeRegion = value
            }
        } while try scanner.nextMember()
    }

    private mutating func readParams() throws(WebhookError) {
        guard try scanner.valueStart() == UInt8(ascii: "{") else {
            if try !scanner.consumeNull() {
                wrongType |= Key.params.bit
                try scanner.skipValue()
            }
            return
        }
        guard try scanner.beginObject() else { return }
        params.reserveCapacity(16)
        repeat {
            let (nameToken, text) = try scanner.memberName()
            guard paramsProblem == nil else {
                try scanner.skipValue()
                continue
            }
            // Made only when needed: a summary decode keeps no params.
            func name() -> String {
                text ?? scanner.withRawBytes(nameToken) { FormDecoder.wellKnownName($0, 0, $0.count) } ?? scanner.asciiString(nameToken)
            }
            switch try scanner.valueStart() {
            case UInt8(ascii: "\""):
                if materializesAll {
                    let name = name()
                    params[name] = .single(try paramValue())
                } else {
                    _ = try string()
                }
            case UInt8(ascii: "["):
                var values: [String] = []
                if try scanner.beginArray() {
                    repeat {
                        if paramsProblem == nil, try scanner.valueStart() == UInt8(ascii: "\"") {
                            let value = try string()
                            if materializesAll { values.append(value) }
                        } else {
                            if paramsProblem == nil { paramsProblem = "params.\(name()) has a non-string value" }
                            try scanner.skipValue()
                        }
                    } while try scanner.nextElement()
                }
                if paramsProblem == nil, materializesAll {
                    let name = name()
                    params[name] = .multiple(values)
                }
            default:
                paramsProblem = "params.\(name()) is not a string or an array of strings"
                try scanner.skipValue()
            }
        } while try scanner.nextMember()
    }

    /// A `params` string. MessageSid, SmsSid, AccountSid and MessagingServiceSid repeat the sids
    /// already read (in the encoder's member order): those share the existing string.
    private mutating func paramValue() throws(WebhookError) -> String {
        let token = try scanner.scanString()
        if !token.hasEscapes, token.end - token.start > 15 {
            if let messageSid, scanner.rawEquals(token, messageSid) { return messageSid }
            if let accountSid, scanner.rawEquals(token, accountSid) { return accountSid }
            if let messagingServiceSid, scanner.rawEquals(token, messagingServiceSid) { return messagingServiceSid }
        }
        return try scanner.makeString(token)
    }

    private mutating func readNotes() throws(WebhookError) {
        guard try scanner.valueStart() == UInt8(ascii: "[") else {
            if try !scanner.consumeNull() {
                wrongType |= Key.notes.bit
                try scanner.skipValue()
            }
            return
        }
        guard try scanner.beginArray() else { return }
        repeat {
            if !notesHaveNonString, try scanner.valueStart() == UInt8(ascii: "\"") {
                let note = try string()
                if materializesAll { notes.append(note) }
            } else {
                notesHaveNonString = true
                try scanner.skipValue()
            }
        } while try scanner.nextElement()
    }

    @inline(__always)
    private static func isNumberStart(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: "-") || JSONScanner.isDigit(byte)
    }

    // MARK: Member names

    private static func topLevelKey(_ name: UnsafeBufferPointer<UInt8>) -> Key? {
        switch name.count {
        case 2:
            if equals(name, "id") { return .id }
            if equals(name, "to") { return .to }
        case 4:
            if equals(name, "from") { return .from }
        case 5:
            if equals(name, "notes") { return .notes }
        case 6:
            if equals(name, "status") { return .status }
            if equals(name, "source") { return .source }
            if equals(name, "params") { return .params }
        case 7:
            if equals(name, "channel") { return .channel }
            if equals(name, "ingress") { return .ingress }
        case 9:
            if equals(name, "errorCode") { return .errorCode }
            if equals(name, "eventType") { return .eventType }
            if equals(name, "dlrDoneAt") { return .dlrDoneAt }
        case 10:
            if equals(name, "messageSid") { return .messageSid }
            if equals(name, "accountSid") { return .accountSid }
            if equals(name, "statusRank") { return .statusRank }
            if equals(name, "receivedAt") { return .receivedAt }
        case 13:
            if equals(name, "schemaVersion") { return .schemaVersion }
        case 15:
            if equals(name, "twilioTimestamp") { return .twilioTimestamp }
        case 14:
            if equals(name, "rawDlrDoneDate") { return .rawDlrDoneDate }
            if equals(name, "twilioDateSent") { return .twilioDateSent }
        case 17:
            if equals(name, "twilioDateUpdated") { return .twilioDateUpdated }
        case 19:
            if equals(name, "messagingServiceSid") { return .messagingServiceSid }
        default:
            break
        }
        return nil
    }

    private static func topLevelKey(_ name: String) -> Key? {
        var name = name
        return name.withUTF8 { topLevelKey($0) }
    }

    private static func ingressKey(_ name: UnsafeBufferPointer<UInt8>) -> Key? {
        switch name.count {
        case 6: equals(name, "nodeId") ? .nodeId : nil
        case 10: equals(name, "homeRegion") ? .homeRegion : nil
        case 16: equals(name, "idempotencyToken") ? .idempotencyToken : nil
        default: nil
        }
    }

    private static func ingressKey(_ name: String) -> Key? {
        var name = name
        return name.withUTF8 { ingressKey($0) }
    }

    @inline(__always)
    private static func equals(_ name: UnsafeBufferPointer<UInt8>, _ text: StaticString) -> Bool {
        let count = text.utf8CodeUnitCount
        guard name.count == count else { return false }
        let expected = text.utf8Start
        for offset in 0..<count where name[offset] != expected[offset] { return false }
        return true
    }

    // MARK: Assembly

    /// The members every event has, once `checked()` found no error.
    private struct Required {
        var source: StatusEvent.Source
        var receivedAt: Int64
        var id: String
        var messageSid: String
        var accountSid: String
        var status: String
    }

    private func assemble() throws(WebhookError) -> StatusEvent {
        let required = try checked()
        return StatusEvent(
            schemaVersion: StatusEvent.currentSchemaVersion,
            id: required.id,
            messageSid: required.messageSid,
            accountSid: required.accountSid,
            messagingServiceSid: messagingServiceSid,
            status: required.status,
            statusRank: statusRank.map { Int($0) },
            errorCode: errorCode,
            eventType: eventType,
            channel: channel,
            from: from,
            to: to,
            rawDlrDoneDate: rawDlrDoneDate,
            dlrDoneAt: dlrDoneAt,
            receivedAt: required.receivedAt,
            twilioDateSent: twilioDateSent,
            twilioDateUpdated: twilioDateUpdated,
            twilioTimestamp: twilioTimestamp,
            source: required.source,
            ingress: ingress,
            params: params,
            notes: notes
        )
    }

    /// Raises the first field error in the former decoder's order.
    private func checked() throws(WebhookError) -> Required {
        guard let version else { throw Self.invalid("schemaVersion is missing or not an integer") }
        guard version == StatusEvent.currentSchemaVersion else {
            throw .malformed("unsupported_schema_version", "schemaVersion \(version) is not supported by this build")
        }
        guard let sourceText = source else { throw Self.invalid("source is missing or not a string") }
        guard let source = StatusEvent.Source(rawValue: sourceText) else { throw Self.invalid("unknown source") }
        try checkInteger(.receivedAt, "receivedAt")
        guard let receivedAt else { throw Self.invalid("receivedAt is missing") }
        if wrongType & Key.errorCode.bit != 0 { throw Self.invalid("errorCode is not a number, string or null") }
        if notInteger & Key.errorCode.bit != 0 { throw Self.invalid("errorCode is not an integer") }
        if wrongType & Key.ingress.bit != 0 { throw Self.invalid("ingress is not an object") }
        try checkOptionalString(.nodeId, "ingress.nodeId")
        try checkOptionalString(.idempotencyToken, "ingress.idempotencyToken")
        try checkOptionalString(.homeRegion, "ingress.homeRegion")
        if wrongType & Key.params.bit != 0 { throw Self.invalid("params is not an object") }
        if let paramsProblem { throw Self.invalid(paramsProblem) }
        if wrongType & Key.notes.bit != 0 { throw Self.invalid("notes is not an array") }
        if notesHaveNonString { throw Self.invalid("notes has a non-string element") }
        guard let id else { throw Self.invalid("id is missing or not a string") }
        guard let messageSid else { throw Self.invalid("messageSid is missing or not a string") }
        guard MessageSidRule.accepts(messageSid) else { throw Self.invalid(MessageSidRule.problem) }
        guard let accountSid else { throw Self.invalid("accountSid is missing or not a string") }
        try checkOptionalString(.messagingServiceSid, "messagingServiceSid")
        guard let status else { throw Self.invalid("status is missing or not a string") }
        try checkInteger(.statusRank, "statusRank")
        try checkOptionalString(.eventType, "eventType")
        try checkOptionalString(.channel, "channel")
        try checkOptionalString(.from, "from")
        try checkOptionalString(.to, "to")
        try checkOptionalString(.rawDlrDoneDate, "rawDlrDoneDate")
        try checkOptionalString(.dlrDoneAt, "dlrDoneAt")
        try checkInteger(.twilioDateSent, "twilioDateSent")
        try checkInteger(.twilioDateUpdated, "twilioDateUpdated")
        try checkInteger(.twilioTimestamp, "twilioTimestamp")
        // Last: a well-formed record whose rank is not its status's (see `MessageLifecycle`).
        if let problem = MessageLifecycle.rankProblem(status: status, statusRank: statusRank) { throw Self.invalid(problem) }
        return Required(
            source: source, receivedAt: receivedAt, id: id, messageSid: messageSid, accountSid: accountSid, status: status
        )
    }

    private func checkOptionalString(_ key: Key, _ name: StaticString) throws(WebhookError) {
        if wrongType & key.bit != 0 { throw Self.invalid("\(name) is not a string or null") }
    }

    private func checkInteger(_ key: Key, _ name: StaticString) throws(WebhookError) {
        if wrongType & key.bit != 0 { throw Self.invalid("\(name) is not an integer or null") }
        if notInteger & key.bit != 0 { throw Self.invalid("\(name) is not an integer") }
    }

    static func invalid(_ message: String) -> WebhookError {
        .malformed("invalid_event", "not a v1 status event: \(message)")
    }
}
