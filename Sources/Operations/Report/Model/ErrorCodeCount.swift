/// How many messages ended with a Twilio error code.
package struct ErrorCodeCount: Sendable, Hashable {
    package var code: String
    package var messages: Int
    /// Twilio's short meaning, from ``TwilioErrorCatalog``; nil for codes it does not know.
    package var meaning: String?

    package init(code: String, messages: Int, meaning: String?) {
        self.code = code
        self.messages = messages
        self.meaning = meaning
    }
}
