/// A benchmark could not run (bad input file, server unreachable, ...).
package struct BenchError: Error, Sendable, CustomStringConvertible {
    package var message: String

    package init(_ message: String) {
        self.message = message
    }

    package var description: String { message }
}
