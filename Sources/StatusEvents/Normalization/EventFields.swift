/// The source-independent part of normalization: lenient fields, channel detection, notes.
struct EventFields {
    var messageSid: String
    var accountSid: String
    var status: String
    var messagingServiceSid: String?
    var errorCode: String?
    /// Already-typed error code (Event Streams sends a JSON number).
    var numericErrorCode: Int?
    var eventType: String?
    var channelPrefix: String?
    var from: String?
    var to: String?
    var rawDlrDoneDate: String?
    /// Event Streams' `data.timestamp`: when Twilio recorded the event (ms since the epoch).
    var twilioTimestamp: Int64?

    /// An error code from a JSON body (Event Streams, Twilio's API): a number is kept typed, any
    /// other string verbatim (the lenient rule in `errorCode(_:notes:)` applies later).
    mutating func setErrorCode(_ value: JSONValue?) {
        switch value {
        case .number(let text)?:
            if let number = Int(text) { numericErrorCode = number } else { errorCode = text }
        case .string(let text)?:
            errorCode = text
        default:
            break
        }
    }

    init(messageSid: String, accountSid: String, status: String) {
        self.messageSid = messageSid
        self.accountSid = accountSid
        self.status = status
    }

    /// Address prefixes Twilio uses for non-SMS channels (`whatsapp:+1555...`).
    static let addressChannels: [String] = ["whatsapp", "rcs", "messenger", "fbm", "line", "gbm", "apple", "kakao"]

    /// `ChannelPrefix` when present, else a channel prefix on From/To, else `mms` for an MM sid,
    /// else `sms`.
    static func channel(prefix: String?, from: String?, to: String?, messageSid: String) -> String {
        if let prefix, !prefix.isEmpty { return prefix.lowercased() }
        func addressChannel(_ address: String?) -> String? {
            // E.164 numbers and alphanumeric sender ids have no colon: skip them without allocating.
            guard let address, let offset = colonOffset(address) else { return nil }
            let candidate = String(address[..<address.utf8.index(address.utf8.startIndex, offsetBy: offset)]).lowercased()
            return addressChannels.contains(candidate) ? candidate : nil
        }
        if let channel = addressChannel(from) ?? addressChannel(to) { return channel }
        return messageSid.utf8.first == UInt8(ascii: "M") ? "mms" : "sms"
    }

    private static func colonOffset(_ address: String) -> Int? {
        address.withUTF8Bytes { $0.firstIndex(of: UInt8(ascii: ":")) }
    }

    /// `lowercased()`, skipped for text that is already lower-case ASCII (Twilio's statuses).
    static func lowercased(_ text: String) -> String {
        let unchanged = text.withUTF8Bytes { bytes in
            !bytes.contains { $0 >= 0x80 || ($0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z")) }
        }
        return unchanged ? text : text.lowercased()
    }

    static func errorCode(_ raw: String?, notes: inout [String]) -> StatusEvent.ErrorCode? {
        guard let raw, !raw.isEmpty else { return nil }
        let utf8 = raw.utf8
        if utf8.count <= 18, utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }), let value = Int(raw) {
            return .numeric(value)
        }
        notes.append("ErrorCode is not numeric; kept as text")
        return .text(raw)
    }

    /// Consuming, so the fields move into the event instead of being copied and released.
    consuming func makeEvent(
        id: String,
        source: StatusEvent.Source,
        parameters: FormParameters,
        receivedAt: Int64,
        ingress: StatusEvent.IngressInfo,
        extraNotes: [String] = []
    ) -> StatusEvent {
        var notes = extraNotes
        let status = Self.lowercased(status)
        let code: StatusEvent.ErrorCode? =
            if let numericErrorCode { .numeric(numericErrorCode) } else { Self.errorCode(errorCode, notes: &notes) }
        var dlrDoneAt: String?
        if let rawDlrDoneDate, !rawDlrDoneDate.isEmpty {
            let reading = DlrDoneDate.read(rawDlrDoneDate)
            dlrDoneAt = DlrDoneDate.dlrDoneAt(reading)
            if reading == nil { notes.append("RawDlrDoneDate is neither a valid YYMMDDhhmm time nor an ISO-8601 time with a zone") }
        }
        let rank = MessageLifecycle.ranks[status]
        if rank == nil, !MessageLifecycle.unrankedKnownStatuses.contains(status) {
            notes.append("unknown status; carried verbatim with rank null")
        }
        // Sized at creation: reserving on an empty dictionary reallocates through a generic path.
        var params = [String: StatusEvent.ParamValue](minimumCapacity: parameters.count)
        // The signed form, like the id: names that verify the same normalize the same.
        parameters.forEachCanonical { name, value in
            if let existing = params.updateValue(value, forKey: name) {
                // Names that differ only by Unicode normalization collapse into one Swift key.
                params[name] = .multiple(existing.values + value.values)
            }
        }
        return StatusEvent(
            id: id,
            messageSid: messageSid,
            accountSid: accountSid,
            messagingServiceSid: messagingServiceSid,
            status: status,
            statusRank: rank,
            errorCode: code,
            eventType: eventType,
            channel: Self.channel(prefix: channelPrefix, from: from, to: to, messageSid: messageSid),
            from: from,
            to: to,
            rawDlrDoneDate: rawDlrDoneDate,
            dlrDoneAt: dlrDoneAt,
            receivedAt: receivedAt,
            twilioTimestamp: twilioTimestamp,
            source: source,
            ingress: ingress,
            params: params,
            notes: notes
        )
    }
}
