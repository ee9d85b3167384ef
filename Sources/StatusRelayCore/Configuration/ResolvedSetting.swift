/// One resolved setting, for `--check-config` and start-up logs. Secret values are redacted.
public struct ResolvedSetting: Sendable, Hashable {
    public var name: String
    public var source: ConfigurationSource
    /// The value as text; `<redacted>` for secrets, `<unset>` when absent.
    public var displayValue: String
}
