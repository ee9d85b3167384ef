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

/// A small deterministic generator (SplitMix64) so property tests are reproducible by seed.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
