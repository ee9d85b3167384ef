/// How many messages ended with a Twilio error code.
public struct ErrorCodeCount: Sendable, Hashable {
    public var code: String
    public var messages: Int
    /// Twilio's short meaning, from ``TwilioErrorCatalog``; nil for codes it does not know.
    public var meaning: String?

    public init(code: String, messages: Int, meaning: String?) {
        self.code = code
        self.messages = messages
        self.meaning = meaning
    }
}
