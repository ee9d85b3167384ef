/// A benchmark could not run (bad input file, server unreachable, ...).
public struct BenchError: Error, Sendable, CustomStringConvertible {
    public var message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}
