/// Normalizes an Event Streams webhook-sink payload: a JSON array of CloudEvents (a single object
/// is accepted too) of type `com.twilio.messaging.message.*`, into `StatusEvent`s with source
/// `event-streams`.
///
/// Per element:
/// - status: `data.messageStatus` lower-cased, else the type's last segment (`...message.delivered`);
/// - required: `data.messageSid` (SM/MM sid), `data.accountSid` (AC sid), a status;
/// - `params`: every `data` member (strings verbatim, numbers/booleans as their JSON text, objects
///   and arrays as compact JSON, null members omitted) plus the CloudEvent attributes as
///   `ce_<attribute>` (`ce_id`, `ce_type`, `ce_source`, `ce_time`, ...). The event id is computed
///   over these params (see `EventID`).
/// - `data.timestamp` (ISO-8601 with a zone: when Twilio recorded the event) becomes
///   `twilioTimestamp`; an unreadable one is left nil with a note.
/// Events of other types (the Sink Test event `com.twilio.eventstreams.test-event`, anything a
/// subscription adds) are not message statuses and not errors: they come back as `otherEvents`.
/// Bad elements do not fail the batch: they come back as `rejections` for the dead-letter topic.
/// A batch of more than `maxEvents` elements is refused whole (`tooManyEvents`).
public struct EventStreamsNormalizer: Sendable {
    public static let typePrefix = "com.twilio.messaging.message."

    public struct Rejection: Sendable, Hashable {
        /// Position in the array.
        public var index: Int
        public var error: WebhookError
        /// The element as compact JSON, for the dead-letter record.
        public var element: String
        /// `data.messageSid` when the element has one (a dead-letter record key), else nil.
        public var messageSid: String?
    }

    /// A well-formed event that is not a message status.
    public struct OtherEvent: Sendable, Hashable {
        /// Position in the array.
        public var index: Int
        /// The CloudEvent `type`, at most `maxTypeLength` characters of it.
        public var type: String
        /// The CloudEvent `id`, at most `maxTypeLength` characters of it, when it is a string.
        public var id: String?
        /// A Sink Test event's `data.test_id` (what `POST /v1/Sinks/{Sid}/Validate` takes), at most
        /// `maxTypeLength` characters of it.
        public var testId: String?
    }

    public struct Outcome: Sendable, Hashable {
        public var events: [StatusEvent]
        public var rejections: [Rejection]
        /// Events of other types, in batch order.
        public var otherEvents: [OtherEvent] = []
    }

    /// The Sink Test resource's event (`POST /v1/Sinks/{Sid}/Test`): `data.test_id` only.
    public static let sinkTestType = "com.twilio.eventstreams.test-event"
    /// Longest type or id kept from an event of another type (they are only logged and counted).
    static let maxTypeLength = 128

    public var nodeId: String?
    /// Most elements in one batch (`WebhookLimits.maxBatchEvents`).
    public var maxEvents: Int

    public init(nodeId: String? = nil, maxEvents: Int = WebhookLimits.defaultMaxBatchEvents) {
        self.nodeId = nodeId
        self.maxEvents = maxEvents
    }

    /// - Throws: `malformedBody` (detail `invalid_json` / `invalid_utf8` / `not_an_event_array`)
    ///   when the body as a whole is unusable; `tooManyEvents` beyond `maxEvents` elements.
    public func normalize(
        body: [UInt8],
        idempotencyToken: String? = nil,
        homeRegion: String? = nil,
        receivedAt: Int64
    ) throws(WebhookError) -> Outcome {
        let elements = try Self.elements(of: body, limit: maxEvents)
        var outcome = Outcome(events: [], rejections: [])
        let ingress = StatusEvent.IngressInfo(nodeId: nodeId, idempotencyToken: idempotencyToken, homeRegion: homeRegion)
        for (index, element) in elements.enumerated() {
            if let other = Self.otherEvent(element, index: index) {
                outcome.otherEvents.append(other)
                continue
            }
            do {
                outcome.events.append(try normalize(element: element, receivedAt: receivedAt, ingress: ingress))
            } catch {
                outcome.rejections.append(
                    Rejection(index: index, error: error, element: element.jsonText, messageSid: element["data"]?["messageSid"]?.stringValue)
                )
            }
        }
        return outcome
    }

    /// The element as an event of another type: an object whose `type` is a string outside
    /// `typePrefix`. Nil for message events and for elements that are no event at all (rejections).
    static func otherEvent(_ element: JSONValue, index: Int) -> OtherEvent? {
        guard case .object = element, let type = element["type"]?.stringValue, !type.hasPrefix(typePrefix) else { return nil }
        func bounded(_ value: JSONValue?) -> String? { value?.stringValue.map { String($0.prefix(maxTypeLength)) } }
        return OtherEvent(
            index: index, type: String(type.prefix(maxTypeLength)), id: bounded(element["id"]),
            testId: type == sinkTestType ? bounded(element["data"]?["test_id"]) : nil
        )
    }

    /// The first element's `data.accountSid`, to pick per-account secrets before verification.
    public static func firstAccountSid(in body: [UInt8]) -> String? {
        guard let elements = try? elements(of: body) else { return nil }
        return firstAccountSid(in: elements)
    }

    static func firstAccountSid(in elements: [JSONValue]) -> String? {
        for element in elements {
            if let sid = element["data"]?["accountSid"]?.stringValue { return sid }
        }
        return nil
    }

    /// The elements of a batch (a single object is one element). Parsing stops at element
    /// `limit + 1`: the bound is checked before verification (by `WebhookRequest`) and again in
    /// `normalize`, and an over-limit batch costs no more than the limit.
    ///
    /// - Throws: `tooManyEvents` beyond `limit` elements; `malformedBody` for a body that is no
    ///   JSON array or object (up to that point).
    static func elements(of body: [UInt8], limit: Int = .max) throws(WebhookError) -> [JSONValue] {
        var parser = JSONParser(bytes: body, maxDepth: JSONValue.defaultMaxDepth, maxRootElements: limit)
        let value: JSONValue
        do {
            value = try parser.parseDocument()
        } catch {
            guard parser.rootElementsExceeded else { throw error }
            throw WebhookError(
                code: .tooManyEvents,
                message: "the Event Streams batch has more than \(limit) elements; at most \(limit) are accepted (max-batch-events)"
            )
        }
        switch value {
        case .array(let elements): return elements
        case .object(let members): return [.object(members)]
        default: throw .malformed("not_an_event_array", "an Event Streams payload must be a JSON array of CloudEvents")
        }
    }

    func normalize(element: JSONValue, receivedAt: Int64, ingress: StatusEvent.IngressInfo) throws(WebhookError) -> StatusEvent {
        guard case .object(let attributes) = element else {
            throw .invalid("event", "an Event Streams element must be a JSON object")
        }
        guard let type = element["type"]?.stringValue else { throw .missing("type") }
        guard let data = element["data"], case .object(let dataMembers) = data else {
            throw .missing("data")
        }

        var parameters = FormParameters()
        for member in dataMembers {
            guard let text = Self.parameterText(member.value) else { continue }
            parameters.append(name: member.key, value: text)
        }
        for attribute in attributes where attribute.key != "data" {
            guard let text = Self.parameterText(attribute.value) else { continue }
            parameters.append(name: "ce_" + attribute.key, value: text)
        }

        guard let messageSidValue = data["messageSid"] else { throw .missing("data.messageSid") }
        guard let messageSid = messageSidValue.stringValue, StatusCallbackNormalizer.isMessageSid(messageSid) else {
            throw .invalid("data.messageSid", "data.messageSid must match ^(SM|MM)[0-9a-fA-F]{32}$")
        }
        guard let accountSidValue = data["accountSid"] else { throw .missing("data.accountSid") }
        guard let accountSid = accountSidValue.stringValue, StatusCallbackNormalizer.isAccountSid(accountSid) else {
            throw .invalid("data.accountSid", "data.accountSid must match ^AC[0-9a-fA-F]{32}$")
        }
        let typeStatus = String(type.dropFirst(Self.typePrefix.count))
        let status: String
        if let value = data["messageStatus"] {
            guard let text = value.stringValue, !text.isEmpty else {
                throw .invalid("data.messageStatus", "data.messageStatus must be a non-empty string")
            }
            status = text
        } else if !typeStatus.isEmpty, !typeStatus.contains(".") {
            status = typeStatus
        } else {
            throw .missing("data.messageStatus")
        }

        var fields = EventFields(messageSid: messageSid, accountSid: accountSid, status: status)
        fields.messagingServiceSid = data["messagingServiceSid"]?.stringValue.nonEmpty
        fields.setErrorCode(data["errorCode"])
        fields.eventType = data["eventType"]?.stringValue.nonEmpty
        fields.channelPrefix = data["channelPrefix"]?.stringValue ?? data["channel"]?.stringValue
        fields.from = data["from"]?.stringValue
        fields.to = data["to"]?.stringValue
        fields.rawDlrDoneDate = data["rawDlrDoneDate"]?.stringValue
        var notes: [String] = []
        if let timestamp = data["timestamp"]?.stringValue, !timestamp.isEmpty {
            fields.twilioTimestamp = ISO8601Instant.milliseconds(timestamp)
            if fields.twilioTimestamp == nil { notes.append("data.timestamp is not an ISO-8601 time with a zone; kept in params only") }
        }
        return fields.makeEvent(
            id: EventID.compute(source: .eventStreams, parameters: parameters),
            source: .eventStreams,
            parameters: parameters,
            receivedAt: receivedAt,
            ingress: ingress,
            extraNotes: notes
        )
    }

    static func parameterText(_ value: JSONValue) -> String? {
        switch value {
        case .null: nil
        case .string(let text): text
        case .number(let text): text
        case .bool(let flag): flag ? "true" : "false"
        case .array, .object: value.jsonText
        }
    }
}
