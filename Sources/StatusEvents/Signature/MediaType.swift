/// Content-type classification for webhook bodies.
public enum MediaType {
    /// `application/x-www-form-urlencoded` or `application/json`, case-insensitive, with optional
    /// parameters; a `charset` other than UTF-8 (or US-ASCII) is rejected.
    ///
    /// - Throws: `WebhookError.unsupportedMediaType`.
    public static func classify(_ contentType: String?) throws(WebhookError) -> WebhookRequest.BodyKind {
        guard let contentType else {
            throw WebhookError(code: .unsupportedMediaType, message: "missing Content-Type")
        }
        // What Twilio sends, without allocating.
        switch contentType {
        case "application/x-www-form-urlencoded", "application/x-www-form-urlencoded; charset=utf-8",
            "application/x-www-form-urlencoded; charset=UTF-8":
            return .form
        case "application/json", "application/json; charset=utf-8", "application/json; charset=UTF-8":
            return .json
        default:
            break
        }
        let parts = contentType.split(separator: ";", omittingEmptySubsequences: false)
        let essence = parts[0].trimmingASCIIWhitespace().lowercased()
        let kind: WebhookRequest.BodyKind
        switch essence {
        case "application/x-www-form-urlencoded": kind = .form
        case "application/json": kind = .json
        default:
            throw WebhookError(
                code: .unsupportedMediaType,
                message: "unsupported Content-Type '\(essence.prefix(80))'; expected application/x-www-form-urlencoded or application/json"
            )
        }
        for parameter in parts.dropFirst() {
            guard let equals = parameter.firstIndex(of: "=") else { continue }
            let name = parameter[..<equals].trimmingASCIIWhitespace().lowercased()
            guard name == "charset" else { continue }
            var value = parameter[parameter.index(after: equals)...].trimmingASCIIWhitespace()
            if value.count >= 2, value.first == "\"", value.last == "\"" { value = value.dropFirst().dropLast() }
            switch value.lowercased() {
            case "utf-8", "utf8", "us-ascii": break
            default:
                throw WebhookError(
                    code: .unsupportedMediaType,
                    message: "unsupported charset '\(value.prefix(40))'; expected utf-8"
                )
            }
        }
        return kind
    }
}
