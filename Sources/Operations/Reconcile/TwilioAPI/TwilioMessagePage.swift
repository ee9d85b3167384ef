package import StatusEvents

/// One page of `GET …/Messages.json`: its messages and the path of the next page.
package struct TwilioMessagePage: Sendable {
    package var messages: [JSONValue]
    /// `next_page_uri`: a path relative to the API base URL; nil on the last page.
    package var nextPageURI: String?

    /// Reads the page shape of the contract (`messages` array, `next_page_uri` string or null).
    static func parse(_ body: [UInt8]) throws(TwilioAPIError) -> TwilioMessagePage {
        let root: JSONValue
        do {
            root = try JSONValue.parse(body)
        } catch {
            throw invalid("the page is not JSON: \(error)")
        }
        guard case .object = root else { throw invalid("a list page must be a JSON object") }
        guard case .array(let messages)? = root["messages"] else {
            throw invalid("a list page must have a messages array")
        }
        let next: String?
        switch root["next_page_uri"] {
        case .string(let text)?: next = text.isEmpty ? nil : text
        case .null?, nil: next = nil
        default: throw invalid("next_page_uri must be a string or null")
        }
        return TwilioMessagePage(messages: messages, nextPageURI: next)
    }

    private static func invalid(_ message: String) -> TwilioAPIError {
        TwilioAPIError(code: .invalidResponse, status: 200, message: message)
    }
}
