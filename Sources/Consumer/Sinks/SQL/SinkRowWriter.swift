import StatusEvents

/// One row on its way into a SQL sink, written column by column in ``SinkSQL``'s column order: a
/// SQLite statement's bindings or a line of PostgreSQL `COPY` text. A nil value is SQL NULL.
protocol SinkRowWriter {
    mutating func text(_ value: String?)
    /// The event JSON object, UTF-8 (the `payload` column).
    mutating func eventJSON(_ bytes: [UInt8])
    mutating func integer(_ value: Int64?)
    mutating func boolean(_ value: Bool)
}

extension SinkRowWriter {
    /// A `message_status_events` row, in ``SinkSQL/historyColumns`` order.
    mutating func writeHistory(_ released: ReleasedEvent) {
        writeHistory(released, event: released.event)
    }

    /// The same, with `released.event` already read (each read copies it out of the shared box).
    mutating func writeHistory(_ released: ReleasedEvent, event: StatusEvent) {
        text(event.id)
        text(event.messageSid)
        integer(Int64(released.sequence))
        text(event.status)
        // From the status, never the record's own claim (see `MessageLifecycle.rankProblem`).
        integer(MessageLifecycle.rank(of: event.status).map(Int64.init))
        text(event.errorCode?.description)
        text(event.eventType)
        boolean(released.late)
        integer(event.receivedAt)
        text(event.rawDlrDoneDate)
        text(released.topic)
        integer(Int64(released.partition))
        integer(released.offset)
        eventJSON(released.eventJSON)
        text(event.source.rawValue)
        integer(event.twilioTime)
    }

    /// The values of ``SinkSQL/confirm(_:)``: sid, status, time.
    mutating func writeConfirmation(_ released: ReleasedEvent) {
        let summary = released.summary
        text(summary.messageSid)
        text(summary.status)
        integer(summary.receivedAt)
    }

    /// A `message_status` row, in ``SinkSQL/statusColumns`` order.
    mutating func writeStatus(_ update: MessageStatusUpdate) {
        let candidate = update.candidate.event
        text(update.messageSid)
        text(update.accountSid)
        text(candidate.status)
        integer(update.candidateKey.rank.map(Int64.init))
        text(candidate.errorCode?.description)
        text(update.channel)
        integer(candidate.receivedAt)
        text(candidate.id)
        integer(Int64(update.eventCount))
        text(update.sender)
        text(update.messagingServiceSid)
        integer(update.candidateKey.statusTime)
    }
}
