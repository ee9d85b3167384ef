package import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
package import StatusEvents
import StatusRelayCore

/// Posts Twilio-style status callbacks signed exactly as Twilio signs them
/// (`X-Twilio-Signature` = base64 HMAC-SHA1 of URL + sorted parameters). The seed of test and
/// load clients and of `statusrelay send`.
package struct SignedCallbackClient: Sendable {
    /// The server's answer to one callback.
    package struct Response: Sendable {
        package var status: Int
        package var headers: [(name: String, value: String)]
        package var body: String
    }

    private let httpClient: HTTPClient
    private let timeout: Duration

    package init(httpClient: HTTPClient = .shared, timeout: Duration = .seconds(10)) {
        self.httpClient = httpClient
        self.timeout = timeout
    }

    /// Posts `parameters` to `url`, signed with `authToken` over `signingURL` (defaults to `url`;
    /// differs when the server sits behind a proxy and verifies against its public URL).
    /// When the URL signed over carries `user:password@`, the request carries them as basic auth,
    /// as Twilio's repeat after a 401 does.
    package func send(url: String, parameters: FormParameters, authToken: String, signingURL: String? = nil) async throws -> Response {
        var request = HTTPClientRequest(url: Self.withoutUserinfo(url))
        request.method = .POST
        if let authorization = Self.basicAuthorization(signingURL ?? url) {
            request.headers.add(name: "Authorization", value: authorization)
        }
        request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
        request.headers.add(
            name: "X-Twilio-Signature",
            value: SignatureVerifier.computeSignature(url: signingURL ?? url, parameters: parameters, secret: authToken)
        )
        request.headers.add(name: "User-Agent", value: "statusrelay-send")
        request.body = .bytes(ByteBuffer(string: Self.encodeForm(parameters)))
        let response = try await httpClient.execute(request, timeout: .nanoseconds(timeout.nanoseconds))
        let body = try await response.body.collect(upTo: 1 << 20)
        return Response(
            status: Int(response.status.code),
            headers: response.headers.map { ($0.name, $0.value) },
            body: String(buffer: body)
        )
    }

    /// `Basic base64(user:password)` of a URL's (percent-decoded) userinfo; nil without one.
    static func basicAuthorization(_ url: String) -> String? {
        guard let components = URLComponents(string: url), let user = components.user else { return nil }
        return "Basic " + Data("\(user):\(components.password ?? "")".utf8).base64EncodedString()
    }

    /// The URL to connect to: without userinfo (sent as a header instead).
    static func withoutUserinfo(_ url: String) -> String {
        guard var components = URLComponents(string: url), components.user != nil || components.password != nil else { return url }
        components.user = nil
        components.password = nil
        return components.string ?? url
    }

    /// The parameters of a typical status callback. The first `extra` value of a name replaces the
    /// default of that name (`MessageStatus`, `From`, …); a later one of the same name is appended,
    /// so a callback with a repeated parameter can still be built.
    package static func statusCallbackParameters(
        messageSid: String, status: String, accountSid: String, from: String? = nil, to: String? = nil,
        extra: [(String, String)] = []
    ) -> FormParameters {
        var pairs: [(String, String)] = [
            ("MessageSid", messageSid), ("SmsSid", messageSid), ("AccountSid", accountSid), ("MessageStatus", status),
            ("SmsStatus", status), ("ApiVersion", "2010-04-01"),
        ]
        if let from { pairs.append(("From", from)) }
        if let to { pairs.append(("To", to)) }
        var overridden: Set<String> = []
        for (name, value) in extra {
            if !overridden.contains(name), let index = pairs.firstIndex(where: { $0.0 == name }) {
                pairs[index].1 = value
                overridden.insert(name)
            } else {
                pairs.append((name, value))
                overridden.insert(name)
            }
        }
        return FormParameters(pairs)
    }

    /// `application/x-www-form-urlencoded` body (space as `+`, everything but unreserved escaped).
    package static func encodeForm(_ parameters: FormParameters) -> String {
        parameters.map { "\(escape($0.name))=\(escape($0.value))" }.joined(separator: "&")
    }

    static func escape(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        let hex = Array("0123456789ABCDEF".utf8)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "~"):
                result.unicodeScalars.append(Unicode.Scalar(byte))
            case UInt8(ascii: " "):
                result.append("+")
            default:
                result.append("%")
                result.unicodeScalars.append(Unicode.Scalar(hex[Int(byte >> 4)]))
                result.unicodeScalars.append(Unicode.Scalar(hex[Int(byte & 0x0F)]))
            }
        }
        return result
    }

    /// A random, well-formed MessageSid (`SM` + 32 hex digits).
    package static func randomMessageSid() -> String {
        "SM" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
    }
}
