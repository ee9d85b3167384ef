import StatusEvents

/// Builds status events for tests.
enum TestEvents {
    static func make(
        sid: String,
        status: String,
        at receivedAt: Int64,
        id: String? = nil,
        account: String = "AC00000000000000000000000000000000"
    ) -> StatusEvent {
        StatusEvent(
            id: id ?? "\(sid)-\(status)",
            messageSid: sid,
            accountSid: account,
            status: status,
            statusRank: MessageLifecycle.rank(of: status),
            receivedAt: receivedAt,
            params: ["MessageSid": .single(sid), "MessageStatus": .single(status), "AccountSid": .single(account)]
        )
    }
}

