/// A normalized Twilio message status change: schema v1 of the event that StatusRelay publishes.
///
/// The JSON form of this type is a public contract, described by `config/schema/status-event.v1.json`.
/// Keys are camelCase; absent optionals are `null`.
public struct StatusEvent: Codable, Sendable, Hashable {
    /// The only schema version this build writes.
    public static let currentSchemaVersion = 1

    public var schemaVersion: Int
    /// Deterministic id: the same callback content always yields the same id (see `EventID`).
    public var id: String
    public var messageSid: String
    public var accountSid: String
    public var messagingServiceSid: String?
    /// Lower-cased status, verbatim otherwise (unknown statuses are carried as sent).
    public var status: String
    /// Lifecycle rank from `MessageLifecycle`, or nil for unknown/unranked statuses.
    public var statusRank: Int?
    public var errorCode: ErrorCode?
    /// Twilio's `EventType` (e.g. `READ`), verbatim.
    public var eventType: String?
    public var channel: String?
    public var from: String?
    public var to: String?
    /// Twilio's `RawDlrDoneDate`, verbatim: `YYMMDDhhmm` in the carrier's unknown zone (status
    /// callbacks) or ISO-8601 with a zone (Event Streams). See `DlrDoneDate`.
    public var rawDlrDoneDate: String?
    /// `rawDlrDoneDate` as a UTC instant with milliseconds (`2024-05-29T10:57:57.563Z`) when it
    /// names its zone; nil when absent, invalid or without a zone (`YYMMDDhhmm` is carrier-local).
    public var dlrDoneAt: String?
    /// Ingress clock when the callback was received, milliseconds since the Unix epoch. This is event time.
    public var receivedAt: Int64
    /// Twilio's `date_sent` of the message, milliseconds since the Unix epoch: a Twilio-side time,
    /// set only by `reconciliation` events (written only when present).
    public var twilioDateSent: Int64?
    /// Twilio's `date_updated` of the message (when Twilio last changed it), milliseconds since the
    /// Unix epoch: a Twilio-side time, set only by `reconciliation` events (written only when present).
    public var twilioDateUpdated: Int64?
    /// Event Streams' `data.timestamp` (when Twilio recorded the event), milliseconds since the Unix
    /// epoch: a Twilio-side time, set only by `event-streams` events (written only when present).
    public var twilioTimestamp: Int64?
    public var source: Source
    public var ingress: IngressInfo
    /// Every received parameter, as signed (`FormParameters.forEachCanonical`): a name repeated with
    /// different values maps to an array of its distinct values in UTF-8 byte order.
    public var params: [String: ParamValue]
    /// Validation notes for lenient fields (non-numeric ErrorCode, invalid RawDlrDoneDate, ...).
    public var notes: [String]

    public init(
        schemaVersion: Int = StatusEvent.currentSchemaVersion,
        id: String,
        messageSid: String,
        accountSid: String,
        messagingServiceSid: String? = nil,
        status: String,
        statusRank: Int?,
        errorCode: ErrorCode? = nil,
        eventType: String? = nil,
        channel: String? = nil,
        from: String? = nil,
        to: String? = nil,
        rawDlrDoneDate: String? = nil,
        dlrDoneAt: String? = nil,
        receivedAt: Int64,
        twilioDateSent: Int64? = nil,
        twilioDateUpdated: Int64? = nil,
        twilioTimestamp: Int64? = nil,
        source: Source = .statusCallback,
        ingress: IngressInfo = IngressInfo(),
        params: [String: ParamValue] = [:],
        notes: [String] = []
    ) {
        self.schemaVersion = schemaVersion
        self.id = id
        self.messageSid = messageSid
        self.accountSid = accountSid
        self.messagingServiceSid = messagingServiceSid
        self.status = status
        self.statusRank = statusRank
        self.errorCode = errorCode
        self.eventType = eventType
        self.channel = channel
        self.from = from
        self.to = to
        self.rawDlrDoneDate = rawDlrDoneDate
        self.dlrDoneAt = dlrDoneAt
        self.receivedAt = receivedAt
        self.twilioDateSent = twilioDateSent
        self.twilioDateUpdated = twilioDateUpdated
        self.twilioTimestamp = twilioTimestamp
        self.source = source
        self.ingress = ingress
        self.params = params
        self.notes = notes
    }
}
