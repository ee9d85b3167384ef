/// Short meanings of the Twilio error codes that message status callbacks carry, after Twilio's
/// error dictionary (https://www.twilio.com/docs/api/errors). Codes not listed show without one.
package enum TwilioErrorCatalog {
    package static let meanings: [String: String] = [
        "30001": "queue overflow",
        "30002": "account suspended",
        "30003": "unreachable destination handset",
        "30004": "message blocked",
        "30005": "unknown destination handset",
        "30006": "landline or unreachable carrier",
        "30007": "message filtered (carrier violation)",
        "30008": "unknown error",
        "30009": "missing segment",
        "30010": "message price exceeds max price",
        "30011": "MMS not supported by the receiving number in this region",
        "30017": "carrier network congestion",
        "30018": "destination carrier requires sender ID pre-registration",
        "30019": "content size exceeds carrier limit",
        "30022": "US A2P 10DLC: rate limits exceeded",
        "30023": "US A2P 10DLC: daily message cap reached",
        "30024": "numeric sender ID not provisioned by carrier",
        "30032": "toll-free number has not been verified",
        "30034": "US A2P 10DLC: message from an unregistered number",
        "30410": "provider timeout",
        "30450": "message delivery blocked (SMS pumping protection)",
        "21211": "invalid 'To' phone number",
        "21408": "permission to send to this region not enabled",
        "21610": "unsubscribed recipient",
        "21612": "'To' number not reachable from the 'From' number",
        "21614": "'To' number is not a valid mobile number",
        "63003": "channel could not find the 'To' address",
        "63016": "WhatsApp: outside the 24h customer service window",
        "63018": "channel rate limit exceeded",
        "63024": "invalid message recipient",
        "63049": "WhatsApp: Meta chose not to deliver this marketing message",
    ]

    package static func meaning(of code: String) -> String? {
        meanings[code.trimmingCharacters(in: .whitespaces)]
    }
}
