package import Logging
import Synchronization

/// Process-wide logging set-up for the executables (`--log-format`, `--log-level`).
package enum LoggingBootstrap {
    private static let done = Mutex(false)

    /// `text`, the default of `--log-format` in every executable.
    package static let defaultFormat = LogFormat.text
    /// `info`, the default of `--log-level` in every executable.
    package static let defaultLevel = Logger.Level.info

    /// Installs `LineLogHandler` as the logging backend. Only the first call has an effect
    /// (swift-log allows one bootstrap per process).
    package static func bootstrap(format: LogFormat, level: Logger.Level) {
        let first = done.withLock { done in
            defer { done = true }
            return !done
        }
        guard first else { return }
        LoggingSystem.bootstrap { label in LineLogHandler(label: label, format: format, level: level) }
    }
}

extension Logger.Level {
    /// Setting for `--log-level` / `STATUSRELAY_LOG_LEVEL`.
    package static let setting = Setting<Logger.Level>.choice(
        "log-level", env: "STATUSRELAY_LOG_LEVEL", default: LoggingBootstrap.defaultLevel, "Log level: trace, debug, info, notice, warning, error, critical."
    )
}

extension LogFormat {
    /// Setting for `--log-format` / `STATUSRELAY_LOG_FORMAT`.
    package static let setting = Setting<LogFormat>.choice(
        "log-format", env: "STATUSRELAY_LOG_FORMAT", default: LoggingBootstrap.defaultFormat, "Log format: text or json (one JSON object per line)."
    )
}
