import Foundation
import StatusRelayCore

/// Draws ``ReplayProgress`` on stderr: redrawn in place (carriage return) at most every 200 ms on a
/// terminal, one line every 5 s otherwise (logs, CI). Used from one task only.
struct ReplayProgressReporter: Sendable {
    let total: Int64
    let enabled: Bool
    /// What is counted: `events` (replay), `messages` (reconcile).
    let unit: String
    /// The last `done` drawn or passed.
    private(set) var lastDone: Int64 = 0
    private let isTerminal = isatty(STDERR_FILENO) == 1
    private let started = ContinuousClock.now
    private var lastDraw: ContinuousClock.Instant?

    init(total: Int64, enabled: Bool, unit: String = "events") {
        self.total = total
        self.enabled = enabled
        self.unit = unit
    }

    mutating func update(done: Int64, force: Bool = false) {
        lastDone = done
        guard enabled else { return }
        let now = ContinuousClock.now
        let interval: Duration = isTerminal ? .milliseconds(200) : .seconds(5)
        if !force, let lastDraw, now - lastDraw < interval { return }
        lastDraw = now
        let elapsed = now - started
        let seconds = elapsed.seconds
        let line = ReplayProgress(done: done, total: total, elapsedSeconds: seconds, unit: unit).render()
        FileHandle.standardError.write(Data((isTerminal ? "\r\u{1B}[K" + line : line + "\n").utf8))
    }

    /// Ends the in-place line.
    mutating func finish(done: Int64) {
        guard enabled else { return }
        update(done: done, force: true)
        if isTerminal { FileHandle.standardError.write(Data("\n".utf8)) }
    }
}
