/// The secrets webhooks may be signed with. Several can be valid at once (rotation), and an
/// AccountSid can have its own set (subaccounts); a request whose AccountSid has its own set is
/// verified against that set only.
///
/// Descriptions are redacted: printing or logging this value never shows a secret.
public struct WebhookSecrets: Sendable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// A Twilio SharedKey: its id (sent in `X-Twilio-Webhooks-Signature-Settings: key=<id>`) and secret.
    public struct SharedKey: Sendable, Hashable {
        public var id: String
        public var secret: String

        public init(id: String, secret: String) {
            self.id = id
            self.secret = secret
        }
    }

    /// One set of secrets: Auth Tokens (primary first, then secondary) and shared keys.
    public struct Scope: Sendable, Hashable {
        public var authTokens: [String]
        public var sharedKeys: [SharedKey]

        public init(authTokens: [String] = [], sharedKeys: [SharedKey] = []) {
            self.authTokens = authTokens
            self.sharedKeys = sharedKeys
        }

        public var isEmpty: Bool { authTokens.isEmpty && sharedKeys.isEmpty }
    }

    /// Secrets for requests whose AccountSid has no entry in `accounts`.
    public var defaultScope: Scope
    /// Per-AccountSid secrets (subaccounts).
    public var accounts: [String: Scope]

    public init(defaultScope: Scope, accounts: [String: Scope] = [:]) {
        self.defaultScope = defaultScope
        self.accounts = accounts
    }

    public init(authTokens: [String], sharedKeys: [SharedKey] = [], accounts: [String: Scope] = [:]) {
        self.init(defaultScope: Scope(authTokens: authTokens, sharedKeys: sharedKeys), accounts: accounts)
    }

    /// The scope that applies to a request claiming `accountSid`.
    public func scope(for accountSid: String?) -> Scope {
        if let accountSid, let scope = accounts[accountSid] { return scope }
        return defaultScope
    }

    /// Configuration problems worth refusing to start over (empty secrets, duplicate key ids,
    /// malformed AccountSids). Empty when valid.
    public func validationProblems() -> [String] {
        var problems: [String] = []
        if defaultScope.isEmpty && accounts.isEmpty { problems.append("no auth token or shared key configured") }
        func check(_ scope: Scope, _ label: String) {
            if scope.authTokens.contains(where: \.isEmpty) { problems.append("\(label): empty auth token") }
            if scope.sharedKeys.contains(where: { $0.id.isEmpty || $0.secret.isEmpty }) {
                problems.append("\(label): shared key with empty id or secret")
            }
            let ids = scope.sharedKeys.map(\.id)
            if Set(ids).count != ids.count { problems.append("\(label): duplicate shared key id") }
        }
        check(defaultScope, "default")
        for (sid, scope) in accounts.sorted(by: { $0.key < $1.key }) {
            if !StatusCallbackNormalizer.isAccountSid(sid) { problems.append("account '\(sid.prefix(40))': not an AccountSid") }
            if scope.isEmpty { problems.append("account \(sid): no secrets") }
            check(scope, "account \(sid)")
        }
        return problems
    }

    public var description: String {
        "WebhookSecrets(authTokens: \(defaultScope.authTokens.count), sharedKeys: \(defaultScope.sharedKeys.map(\.id)), accounts: \(accounts.keys.sorted()))"
    }

    public var debugDescription: String { description }

    public var customMirror: Mirror { Mirror(self, children: ["redacted": description]) }
}
