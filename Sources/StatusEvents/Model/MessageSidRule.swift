/// The bound on a `messageSid` read from the topic, the one rule every reader of the topic applies.
///
/// The ingress accepts only Twilio's form, `^(SM|MM)[0-9a-fA-F]{32}$`
/// (``StatusCallbackNormalizer/isMessageSid(_:)``); the topic may hold anything, so the decoder
/// accepts a looser, bounded form: 1 to ``maximumLength`` ASCII letters, digits, `_` or `-`. A record
/// outside it is undecodable and goes to the dead-letter topic with the reason, for every sink alike
/// (a sid is a key in every table, partition and HTTP header downstream).
public enum MessageSidRule {
    public static let maximumLength = 64
    static let problem = "messageSid must be 1 to 64 ASCII letters, digits, '_' or '-'"

    public static func accepts(_ sid: String) -> Bool {
        var sid = sid
        return sid.withUTF8 { bytes in
            guard !bytes.isEmpty, bytes.count <= maximumLength else { return false }
            for byte in bytes {
                switch byte {
                case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                    UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"), UInt8(ascii: "-"):
                    continue
                default:
                    return false
                }
            }
            return true
        }
    }
}
