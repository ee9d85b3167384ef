/// One resolved setting, for `--check-config` and start-up logs. Secret values are redacted.
package struct ResolvedSetting: Sendable, Hashable {
    package var name: String
    package var source: ConfigurationSource
    /// The value as text; `<redacted>` for secrets, `<unset>` when absent.
    package var displayValue: String
}
