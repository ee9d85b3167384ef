/// A subcommand that failed while running (a broker, database or file, not the command line):
/// ArgumentParser prints `Error: <description>` and exits 1, without the usage text it adds to a
/// `ValidationError` (exit 64), which is kept for a wrong command line.
struct CommandFailure: Error, CustomStringConvertible {
    let description: String

    init(_ description: String) {
        self.description = description
    }
}
