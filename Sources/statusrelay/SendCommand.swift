import ArgumentParser
import Foundation
import Operations
import StatusEvents
import StatusRelayCore

/// `statusrelay send`: post correctly signed status callbacks and print the answers.
struct SendCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "send",
        abstract: "Post signed Twilio status callbacks (as Twilio would) and print each response.",
        discussion: """
            Without --sid every callback gets a fresh random MessageSid; with --sid the same message is sent \
            --count times (duplicates). --param NAME=VALUE replaces the callback's parameter of that name \
            (e.g. --param MessageStatus=failed, --param From=+15550001111); a second --param with the same NAME \
            adds another value, as a repeated form field. --channel whatsapp sends From and To as \
            whatsapp:+<number>, as Twilio does. Exits 1 if any response is not 2xx or the URL's address \
            cannot be connected to (reported at once, naming the address).
            """
    )

    @Option(help: "Callback URL, e.g. http://127.0.0.1:8080/twilio/message-status.")
    var url: String

    @Option(name: .customLong(SendSettings.authToken.name), help: ArgumentHelp(SendSettings.authToken.help, valueName: "TOKEN"))
    var authToken: String?

    @Option(name: .customLong(SendSettings.authToken.fileName), help: ArgumentHelp(SendSettings.authToken.fileHelp, valueName: "FILE"))
    var authTokenFile: String?

    @Option(name: .customLong("signing-url"), help: "URL to sign over when it differs from --url (the public URL behind a proxy).")
    var signingURL: String?

    @Option(help: "MessageSid (SM + 32 hex). Default: random per callback.")
    var sid: String?

    @Option(help: "MessageStatus, e.g. queued, sent, delivered, undelivered, failed, read.")
    var status = "delivered"

    @Option(name: .customLong("account-sid"), help: "AccountSid (AC + 32 hex).")
    var accountSid = "AC" + String(repeating: "0", count: 31) + "1"

    @Option(help: "Sender number (From), E.164 without a channel prefix.")
    var from = "+15005550006"

    @Option(help: "Recipient number (To), E.164 without a channel prefix.")
    var to = "+15555550100"

    @Option(help: "Channel: sms, or whatsapp (From/To become whatsapp:+<number>, as in Twilio's callbacks).")
    var channel: Channel = .sms

    @Option(
        name: .customLong("param"),
        help: "Parameter NAME=VALUE; replaces the default of that NAME, a repeated NAME adds a value (e.g. ErrorCode=30003)."
    )
    var params: [String] = []

    @Option(help: "How many callbacks to send.")
    var count = 1

    @Flag(help: "Print only the summary line.")
    var quiet = false

    func validate() throws {
        for (option, number) in [("--from", from), ("--to", to)] where number.contains(":") {
            throw ValidationError("\(option) takes a number without a channel prefix (use --channel), got \(number)")
        }
        guard count >= 1 else { throw ValidationError("--count must be at least 1") }
        for param in params where !param.contains("=") { throw ValidationError("--param expects NAME=VALUE, got \(param)") }
    }

    func run() async throws {
        var flags = FlagValues()
        flags.set(SendSettings.authToken.name, authToken)
        flags.set(SendSettings.authToken.fileName, authTokenFile)
        let resolved: String?
        do {
            var resolver = ConfigurationResolver(layers: try .process(flags: flags, configFlag: nil))
            resolved = try resolver.optional(SendSettings.authToken)
        } catch {
            throw ValidationError("\(error)")
        }
        guard let resolved, !resolved.isEmpty else {
            throw ValidationError("--auth-token or TWILIO_AUTH_TOKEN is required")
        }
        let token = Secret(resolved)
        let extra = params.map { param -> (String, String) in
            let equals = param.firstIndex(of: "=")!
            return (String(param[..<equals]), String(param[param.index(after: equals)...]))
        }
        do {
            try await EndpointProbe.check(url: url)
        } catch let unreachable as EndpointProbe.Unreachable {
            throw CommandFailure("\(unreachable) (--url \(url))")
        }
        let client = SignedCallbackClient()
        var failures = 0
        var byStatus: [Int: Int] = [:]
        for index in 0..<count {
            let messageSid = sid ?? SignedCallbackClient.randomMessageSid()
            let parameters = SignedCallbackClient.statusCallbackParameters(
                messageSid: messageSid, status: status, accountSid: accountSid,
                from: channel.address(from), to: channel.address(to), extra: extra
            )
            do {
                let response = try await client.send(url: url, parameters: parameters, authToken: token.reveal(), signingURL: signingURL)
                byStatus[response.status, default: 0] += 1
                if !(200..<300).contains(response.status) { failures += 1 }
                if !quiet { print("\(index + 1) \(messageSid) \(response.status) \(response.body)") }
            } catch {
                failures += 1
                byStatus[0, default: 0] += 1
                if !quiet { print("\(index + 1) \(messageSid) error: \(error)") }
            }
        }
        if count > 1 || quiet {
            let summary = byStatus.sorted { $0.key < $1.key }.map { "\($0.key == 0 ? "error" : String($0.key)): \($0.value)" }
            print("sent \(count): \(summary.joined(separator: ", "))")
        }
        if failures > 0 { throw ExitCode(1) }
    }

    /// The channel a callback's From/To addresses carry (Twilio prefixes non-SMS addresses).
    enum Channel: String, ExpressibleByArgument, CaseIterable {
        case sms, whatsapp

        func address(_ number: String) -> String {
            self == .sms ? number : "\(rawValue):\(number)"
        }
    }
}
