/// Raised when the test environment is incomplete (run tests through `scripts/test.sh`) or a helper gives up.
public struct TestEnvironmentError: Error, CustomStringConvertible, Sendable {
    public var message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}
