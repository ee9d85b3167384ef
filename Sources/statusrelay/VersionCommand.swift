import ArgumentParser
import Foundation
import Logging
import StatusRelayCore

/// `statusrelay version`: this build's version and the librdkafka it loaded (must be >= 2.3).
struct VersionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "version", abstract: "Print the version and the loaded librdkafka version."
    )

    func run() throws {
        print(StatusRelayVersion.line(tool: "statusrelay"))
        do {
            try LibrdkafkaVersionGate.check(logger: Logger(label: "statusrelay", factory: { _ in SwiftLogNoOpLogHandler() }))
        } catch {
            FileHandle.standardError.write(Data("statusrelay: \(error)\n".utf8))
            throw ExitCode(1)
        }
    }
}
