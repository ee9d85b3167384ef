/// Polls `condition` until it returns true, or throws once `timeout` has passed.
///
/// For waiting on asynchronous outcomes (a row appearing, a broker listening), never for timing assertions.
public func eventually(
    timeout: Duration = .seconds(30),
    poll: Duration = .milliseconds(100),
    _ what: @autoclosure () -> String = "condition",
    _ condition: () async throws -> Bool
) async throws {
    let clock = ContinuousClock()
    let deadline = clock.now.advanced(by: timeout)
    var lastError: (any Error)?
    while true {
        do {
            if try await condition() { return }
            lastError = nil
        } catch {
            lastError = error
        }
        if clock.now >= deadline {
            let suffix = lastError.map { " (last error: \($0))" } ?? ""
            throw TestEnvironmentError("\(what()) did not become true within \(timeout)\(suffix)")
        }
        try await Task.sleep(for: poll)
    }
}
