extension StatusEvent {
    /// When Twilio says this status happened, milliseconds since the Unix epoch, or nil when the
    /// event carries no Twilio-side time (status callbacks carry none): Event Streams'
    /// `data.timestamp`, else a reconciliation event's `date_updated`.
    ///
    /// The one place that decides which Twilio-side time counts: the current-status rule breaks ties
    /// between statuses of the same rank with `statusTime`.
    public var twilioTime: Int64? {
        twilioTimestamp ?? twilioDateUpdated
    }

    /// The time the current-status rule compares: Twilio's own time where the event carries one,
    /// otherwise the ingress clock (`receivedAt`).
    public var statusTime: Int64 {
        twilioTime ?? receivedAt
    }
}
